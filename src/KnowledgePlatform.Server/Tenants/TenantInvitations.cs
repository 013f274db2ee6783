using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Tenants;

/// <summary>
/// One-time invitation links into a tenant (decision 0156): a random secret in the link, only its SHA-256 stored; the
/// link sets the invitee's password once, within <see cref="Lifetime"/>, and signs them in to the portal.
/// </summary>
public sealed class TenantInvitations(KnowledgeDbContext db, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);
    public const string PagePath = PortalIdentity.BasePath + "/invitation";

    public static bool IsEmail(string email) =>
        email.Length is > 3 and <= 256 && email.IndexOf('@') is > 0 && email.IndexOf('@') < email.Length - 1 && !email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>Creates an invitation for <paramref name="email"/> and returns it with its link (the only time the link exists).</summary>
    public async Task<InvitationDto> CreateAsync(string tenantId, string email, string role, ClaimsPrincipal inviter, HttpRequest request, CancellationToken ct)
    {
        var secret = "inv_" + ApiKeys.Generate()[3..];
        var invitation = new TenantInvitation
        {
            Id = Ids.New("inv"), TenantId = tenantId, Email = email, Role = role, Hash = ApiKeys.Hash(secret),
            CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow() + Lifetime, CreatedBy = inviter.Actor(),
        };
        db.TenantInvitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        var link = $"{request.Scheme}://{request.Host}{request.PathBase}{PagePath}?token={Uri.EscapeDataString(secret)}";
        return From(invitation) with { Link = link };
    }

    public static InvitationDto From(TenantInvitation i) => new(i.Id, i.TenantId, i.Email, i.Role, i.ExpiresAt, i.AcceptedAt);

    /// <summary>The open invitation the secret belongs to, or null when it is unknown, used or expired.</summary>
    public Task<TenantInvitation?> FindOpenAsync(string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100) return Task.FromResult<TenantInvitation?>(null);
        var hash = ApiKeys.Hash(secret);
        var now = clock.GetUtcNow();
        return db.TenantInvitations.AsNoTracking().SingleOrDefaultAsync(i => i.Hash == hash && i.AcceptedAt == null && i.ExpiresAt > now, ct);
    }

    /// <summary>Marks the invitation used; false when another request used it first (a link works once).</summary>
    public async Task<bool> ClaimAsync(TenantInvitation invitation, CancellationToken ct) =>
        await db.TenantInvitations.Where(i => i.Id == invitation.Id && i.AcceptedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, clock.GetUtcNow()), ct) == 1;

    /// <summary>Reopens an invitation whose user could not be created (a password the policy refused), so the link can be tried again.</summary>
    public Task ReopenAsync(TenantInvitation invitation, CancellationToken ct) =>
        db.TenantInvitations.Where(i => i.Id == invitation.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, (DateTimeOffset?)null), ct);
}
