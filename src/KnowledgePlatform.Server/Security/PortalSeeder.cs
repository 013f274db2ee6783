using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>Creates the roles and the configured first platform admin; demo users come with the demo tenants.</summary>
public sealed class PortalSeeder(IServiceScopeFactory scopes, IOptions<PortalOptions> options, ILogger<PortalSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));

        var admin = options.Value.Admin;
        if (string.IsNullOrEmpty(admin.Email) || string.IsNullOrEmpty(admin.Password)) return;
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AnyAsync(t => t.Id == admin.Tenant, cancellationToken))
        {
            db.Tenants.Add(new Tenant { Id = admin.Tenant, Name = "Platform" });
            await db.SaveChangesAsync(cancellationToken);
        }
        if (await EnsureUserAsync(scope.ServiceProvider, admin.Tenant, admin.Email, admin.Password, PortalRoles.PlatformAdmin))
            logger.LogInformation("Created the first platform admin {Email}", admin.Email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates a user with one role unless one with that e-mail exists; true when created.</summary>
    public static async Task<bool> EnsureUserAsync(IServiceProvider services, string tenant, string email, string password, string role)
    {
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(email) is not null) return false;
        var user = new PortalUser { TenantId = tenant, UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException($"Could not create portal user {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, role);
        return true;
    }
}
