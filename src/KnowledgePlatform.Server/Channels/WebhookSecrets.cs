using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Channels;

/// <summary>Each tenant's webhook signing secret: made on first use, rotated by an admin, stored protected with the shared Data Protection keys.</summary>
public sealed class WebhookSecrets(KnowledgeDbContext db, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector("KnowledgePlatform.WebhookSigningSecret");

    public async Task<(string Secret, DateTimeOffset CreatedAt)> GetOrCreateAsync(string tenantId, CancellationToken ct)
    {
        var row = await db.WebhookSigningSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (row is not null) return (_protector.Unprotect(row.ProtectedSecret), row.CreatedAt);
        var secret = WebhookSignature.NewSecret();
        db.WebhookSigningSecrets.Add(new WebhookSigningSecret { TenantId = tenantId, ProtectedSecret = _protector.Protect(secret), CreatedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
            return (secret, clock.GetUtcNow());
        }
        catch (DbUpdateException)
        {
            // Another replica made it first: use theirs.
            db.ChangeTracker.Clear();
            var theirs = await db.WebhookSigningSecrets.AsNoTracking().SingleAsync(s => s.TenantId == tenantId, ct);
            return (_protector.Unprotect(theirs.ProtectedSecret), theirs.CreatedAt);
        }
    }

    /// <summary>Replaces the secret: messages sent from now on are signed with the new one.</summary>
    public async Task<(string Secret, DateTimeOffset CreatedAt)> RotateAsync(string tenantId, CancellationToken ct)
    {
        await GetOrCreateAsync(tenantId, ct);
        var secret = WebhookSignature.NewSecret();
        var now = clock.GetUtcNow();
        await db.WebhookSigningSecrets.Where(s => s.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ProtectedSecret, _protector.Protect(secret)).SetProperty(x => x.CreatedAt, now), ct);
        return (secret, now);
    }
}
