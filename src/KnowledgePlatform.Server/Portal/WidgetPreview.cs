using System.Text;
using System.Text.Encodings.Web;

namespace KnowledgePlatform.Server.Portal;

/// <summary>
/// The widget settings page's live preview: a bare page, shown in an iframe, that loads the real
/// <c>/widget.js</c> in preview mode with the settings being edited. The widget then asks with the curator's
/// sign-in as the widget channel (decision 0053), so the preview answers exactly as visitors would be answered.
/// </summary>
public static class WidgetPreview
{
    public const string Path = "/portal/widget-preview";

    /// <summary>The settings a preview passes through to the script, by query name and data- attribute.</summary>
    private static readonly (string Query, string Attribute)[] Settings =
        [("kb", "data-kb"), ("title", "data-title"), ("greeting", "data-greeting"), ("color", "data-color"), ("position", "data-position"), ("lang", "data-lang")];

    public static IEndpointRouteBuilder MapWidgetPreview(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.XFrameOptions = "SAMEORIGIN";
            context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'self'";
            return TypedResults.Content(Page(context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString())), "text/html; charset=utf-8");
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>The preview page for these settings (values are attribute-encoded; empty ones are left out).</summary>
    public static string Page(IReadOnlyDictionary<string, string> query)
    {
        var attributes = new StringBuilder();
        foreach (var (name, attribute) in Settings)
            if (query.TryGetValue(name, out var value) && value.Trim() is { Length: > 0 and <= 500 } trimmed)
                attributes.Append($" {attribute}=\"{HtmlEncoder.Default.Encode(trimmed)}\"");
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Widget preview</title>
            <style>body{"{"}margin:0;min-height:100vh;font-family:system-ui,sans-serif;background:#f1f5f9;color:#64748b{"}"}p{"{"}margin:1rem{"}"}</style>
            </head>
            <body>
            <p>Your web site. The widget below is the real one, with the settings you are editing.</p>
            <script src="/widget.js" data-preview="true"{attributes}></script>
            </body>
            </html>
            """;
    }
}
