using KnowledgePlatform.Server.Security;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>
/// Cross-origin rules for widget keys. Browsers send no key on a CORS preflight, so the preflight is
/// answered for any origin; the real request carries the key, and only then is its Origin checked
/// against the key's list: a page elsewhere gets 403 and no Access-Control-Allow-Origin.
/// </summary>
public static class WidgetCors
{
    /// <summary>Answers preflights and adds CORS headers to the answers widget keys may read.</summary>
    public static IApplicationBuilder UseWidgetCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || !context.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(context);
            return;
        }
        if (HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.AccessControlAllowMethods = "GET, POST";
            context.Response.Headers.AccessControlAllowHeaders = "X-Api-Key, Content-Type, Authorization, Idempotency-Key, X-Request-Id";
            context.Response.Headers.AccessControlMaxAge = "600";
            context.Response.Headers.Vary = "Origin";
            return;
        }
        context.Response.OnStarting(() =>
        {
            // Authentication already refused disallowed origins; an authenticated widget request is from an allowed one.
            if (context.User.FindFirst(ApiKeyAuthenticationHandler.ChannelClaim)?.Value == "widget")
            {
                context.Response.Headers.AccessControlAllowOrigin = origin;
                context.Response.Headers.AccessControlExposeHeaders = "Retry-After, X-Request-Id";
                context.Response.Headers.Vary = "Origin";
            }
            return Task.CompletedTask;
        });
        await next(context);
    });
}
