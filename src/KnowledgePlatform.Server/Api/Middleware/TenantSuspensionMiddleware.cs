using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Server.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>Refuses the requests of a suspended tenant's credentials (decision 0156); see <see cref="TenantSuspension"/>.</summary>
public static class TenantSuspensionMiddleware
{
    public static WebApplication UseTenantSuspension(this WebApplication app)
    {
        app.Use(RefuseSuspendedAsync);
        return app;
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
        if (await TenantSuspension.RefusalAsync(db, tenantId, context.RequestAborted) is not { } refusal)
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
        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, TenantSuspension.Code, refusal);
    }
}
