using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>Creates the platform tenant and its bootstrap admin key before the host serves requests.</summary>
public sealed class PlatformSeeder(IServiceScopeFactory scopes, IOptions<PlatformOptions> options, ILogger<PlatformSeeder> logger) : IHostedService
{
    /// <summary>What a platform admin key may do: everything in its own tenant, and platform administration.</summary>
    public static readonly IReadOnlyList<string> AdminScopes = [.. ApiScopes.All, ApiScopes.Platform];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AnyAsync(t => t.Id == o.TenantId, cancellationToken))
            db.Tenants.Add(new Tenant { Id = o.TenantId, Name = o.TenantName });
        if (o.AdminKey is { } secret)
        {
            var hash = ApiKeys.Hash(secret);
            if (!await db.ApiKeys.AnyAsync(k => k.Hash == hash, cancellationToken))
            {
                var key = ApiKeys.Create(o.TenantId, "platform admin (bootstrap)", secret);
                key.Scopes = AdminScopes;
                db.ApiKeys.Add(key);
                logger.LogInformation("Created the platform admin key {Prefix}… for tenant {Tenant}", key.Prefix, o.TenantId);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
