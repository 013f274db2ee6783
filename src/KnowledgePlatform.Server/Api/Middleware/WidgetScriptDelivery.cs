using KnowledgePlatform.Server.Channels;

namespace KnowledgePlatform.Server.Api.Middleware;

public static class WidgetScriptDelivery
{
    /// <summary>GET /widget.js: the embeddable chat widget, gzipped when the browser accepts it, cached for an hour, revalidated by ETag.</summary>
    public static IApplicationBuilder UseWidgetScript(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) || context.Request.Path != "/widget.js")
        {
            await next(context);
            return;
        }
        var script = context.RequestServices.GetRequiredService<WidgetScript>();
        var headers = context.Response.Headers;
        headers.ETag = script.ETag;
        headers.CacheControl = "public, max-age=3600";
        headers.Vary = "Accept-Encoding";
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch.ToString() == script.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.ContentType = "text/javascript; charset=utf-8";
        var gzip = context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        var body = gzip ? script.Gzipped : script.Plain;
        if (gzip) headers.ContentEncoding = "gzip";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    });
}
