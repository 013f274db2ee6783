using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Channels;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>
/// One platform for the widget tests: a tenant with customer-service samples, a widget key allowed from
/// the demo site's origin, widget settings with a handoff webhook on the demo site; plus a second site
/// whose origin the key does not allow.
/// </summary>
public sealed class WidgetFixture : IAsyncLifetime
{
    private readonly string _data = PlatformHost.NewDataPath();

    public PlatformHost Host { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public StaticSite Site { get; private set; } = null!;
    public StaticSite Elsewhere { get; private set; } = null!;
    public string WidgetKey { get; private set; } = "";

    public string Platform => Host.ClientOptions.BaseAddress.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Host = new PlatformHost(_data);
        Admin = Host.Client(await Host.CreateTenantAsync("northwind", "customer-service", ct));
        foreach (var file in new[] { "warranty-policy.md", "returns-and-refunds.html" })
        {
            await PlatformHost.IngestAsync(Admin, "customer-service", file, SampleFiles.Read(Path.Combine("customer-service", file)), ct);
        }

        var folder = Path.Combine(SampleFiles.Folder, "customer-service-site");
        Site = await StaticSite.StartAsync(folder, Platform);
        Elsewhere = await StaticSite.StartAsync(folder, Platform);
        using var created = await Admin.PostAsJsonAsync("/api/v1/api-keys", new
        {
            name = "shop widget", kind = "widget", knowledgeBases = new[] { "customer-service" }, allowedOrigins = new[] { Site.Origin },
        }, PlatformHost.Json, ct);
        created.EnsureSuccessStatusCode();
        WidgetKey = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
        Site.WidgetKey = WidgetKey;
        Elsewhere.WidgetKey = WidgetKey;
        using var settings = await Admin.PutAsJsonAsync("/api/v1/widget-settings", new
        {
            title = "Northwind Help", primaryColor = "#0b5cad", handoffWebhookUrl = Site.Origin + "/hooks/handoff",
        }, ct);
        settings.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Site.DisposeAsync();
        await Elsewhere.DisposeAsync();
        await Host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
