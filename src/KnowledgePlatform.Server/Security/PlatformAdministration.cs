using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// Configuration section "Platform": the platform tenant, whose keys with the <see cref="ApiScopes.Platform"/>
/// scope administer the platform (publishing shared knowledge bases, tenant quotas). Decision 0042.
/// </summary>
public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>The platform tenant's id; created at start-up when missing.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_-]{0,63}$", ErrorMessage = "Platform:TenantId must be 1 to 64 lowercase letters, digits, '-' or '_'.")]
    public string TenantId { get; set; } = "platform";

    [Required, StringLength(200, MinimumLength = 1)]
    public string TenantName { get; set; } = "Platform";

    /// <summary>
    /// When set, a platform admin key with this secret is created at start-up (once): the bootstrap credential
    /// of a deployment. Keep it in a secret store; at least 32 characters.
    /// </summary>
    [MinLength(32, ErrorMessage = "Platform:AdminKey must be at least 32 characters.")]
    public string? AdminKey { get; set; }
}

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

public static class PlatformAdministrationExtensions
{
    public static IHostApplicationBuilder AddPlatformAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlatformOptions>().Bind(builder.Configuration.GetSection(PlatformOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<PlatformSeeder>();
        return builder;
    }
}
