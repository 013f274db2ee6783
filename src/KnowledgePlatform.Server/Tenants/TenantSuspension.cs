using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
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

    public static WebApplication UseTenantSuspension(this WebApplication app)
    {
        app.Use(RefuseSuspendedAsync);
        return app;
    }

    /// <summary>Why the tenant is refused, or null when it is active (a tenant that no longer exists is refused too).</summary>
    public static async Task<string?> RefusalAsync(KnowledgeDbContext db, string tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.SuspendedAt, t.SuspensionReason }).SingleOrDefaultAsync(ct);
        if (tenant is null) return "This tenant no longer exists.";
        if (tenant.SuspendedAt is null) return null;
        return "This tenant is suspended by the platform operator" + (string.IsNullOrWhiteSpace(tenant.SuspensionReason) ? "." : $": {tenant.SuspensionReason}");
    }

    private static async Task RefuseSuspendedAsync(HttpContext context, RequestDelegate next)
    {
        var user = context.User;
        var tenantId = user.FindFirst(ApiKeyAuthenticationHandler.TenantClaim)?.Value;
        if (tenantId is null || user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Platform))
        {
            await next(context);
            return;
        }
        var db = context.RequestServices.GetRequiredService<KnowledgeDbContext>();
        if (await RefusalAsync(db, tenantId, context.RequestAborted) is not { } refusal)
        {
            await next(context);
            return;
        }
        var path = context.Request.Path;
        if (path.StartsWithSegments(PortalIdentity.BasePath) && !path.StartsWithSegments("/api"))
        {
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            context.Response.Redirect(PortalIdentity.BasePath + "/login?error=suspended");
            return;
        }
        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, Code, refusal);
    }
}
