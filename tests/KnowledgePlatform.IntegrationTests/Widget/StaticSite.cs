using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>
/// A tiny web server on its own loopback port, so its pages have another origin than the platform: serves
/// samples/customer-service-site with the script tag pointed at the test platform and key, extra pages
/// given by the test, and records webhook calls POSTed to /hooks/handoff.
/// </summary>
public sealed class StaticSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _pages = new();

    private StaticSite(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";

    /// <summary>The key the pages' script tags carry.</summary>
    public string WidgetKey { get; set; } = "";

    public ConcurrentQueue<JsonElement> Webhooks { get; } = new();

    public static async Task<StaticSite> StartAsync(string siteFolder, string platform)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new StaticSite(app);
        app.MapPost("/hooks/handoff", async (HttpRequest request) =>
        {
            site.Webhooks.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(request.Body));
            return Results.Ok();
        });
        // A receiver that never answers in time.
        app.MapPost("/hooks/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Ok();
        });
        app.MapGet("/{page}", (string page) =>
        {
            if (site._pages.TryGetValue(page, out var html)) return Results.Content(html, "text/html");
            var path = Path.Combine(siteFolder, Path.GetFileName(page));
            if (!File.Exists(path)) return Results.NotFound();
            var text = File.ReadAllText(path)
                .Replace("http://localhost:5000", platform.TrimEnd('/'), StringComparison.Ordinal)
                .Replace("kp_demo_support_widget_key", site.WidgetKey, StringComparison.Ordinal);
            return Results.Content(text, page.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/html");
        });
        await app.StartAsync();
        site.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return site;
    }

    /// <summary>Serves <paramref name="html"/> at /<paramref name="name"/>.</summary>
    public void AddPage(string name, string html) => _pages[name] = html;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
