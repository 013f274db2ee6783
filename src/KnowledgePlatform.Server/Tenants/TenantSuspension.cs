using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Tenants;

/// <summary>
/// Refuses every credential of a suspended tenant (decision 0156): API and widget keys, bearer tokens and portal
/// sign-ins alike, with 403 Problem Details <c>tenant_suspended</c> on the API and a signed-out redirect to the sign-in
/// page in the portal. Platform admins (the platform scope) are never refused: they resume the tenant.
/// </summary>
public static class TenantSuspension
{
    public const string Code = "tenant_suspended";

    /// <summary>Why the tenant is refused, or null when it is active (a tenant that no longer exists is refused too).</summary>
    public static async Task<string?> RefusalAsync(KnowledgeDbContext db, string tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.SuspendedAt, t.SuspensionReason }).SingleOrDefaultAsync(ct);
        if (tenant is null) return "This tenant no longer exists.";
        if (tenant.SuspendedAt is null) return null;
        return "This tenant is suspended by the platform operator" + (string.IsNullOrWhiteSpace(tenant.SuspensionReason) ? "." : $": {tenant.SuspensionReason}");
    }
}
