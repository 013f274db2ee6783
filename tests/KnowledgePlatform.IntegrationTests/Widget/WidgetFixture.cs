using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Channels;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Widget;

/// <summary>
/// One platform for the widget tests: a tenant with customer-service samples, a widget key allowed from
/// the demo site's origin, widget settings with a handoff webhook on the demo site; plus a second site
/// whose origin the key does not allow. A support lead of the tenant signs in to the portal as <see cref="LeadEmail"/>.
/// A second tenant, "contoso", has a widget key for the demo site and no handoff webhook.
/// </summary>
public sealed class WidgetFixture : IAsyncLifetime
{
    private readonly SqlitePlatform _platform = new();

    public PlatformHost Host => _platform.Host;
    public HttpClient Admin { get; private set; } = null!;
    public StaticSite Site { get; private set; } = null!;
    public StaticSite Elsewhere { get; private set; } = null!;
    public string WidgetKey { get; private set; } = "";

    public const string LeadEmail = "lead@northwind.example";

    /// <summary>The key of the tenant without a handoff webhook, allowed from <see cref="Site"/>, and its portal admin.</summary>
    public string QuietWidgetKey { get; private set; } = "";

    public const string QuietLeadEmail = "lead@contoso.example";

    public string Platform => Host.ClientOptions.BaseAddress.ToString().TrimEnd('/');

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _platform.StartAsync(ct);
        var adminKey = await Host.CreateTenantAsync("northwind", "customer-service", ct);
        Admin = Host.Client(adminKey);
        await Portal.PortalSession.CreateUserAsync(Host, adminKey, LeadEmail, "tenant-admin", ct);
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

        var quietKey = await Host.CreateTenantAsync("contoso", "help", ct);
        await Portal.PortalSession.CreateUserAsync(Host, quietKey, QuietLeadEmail, "tenant-admin", ct);
        using var quiet = Host.Client(quietKey);
        await PlatformHost.IngestAsync(quiet, "help", "warranty-policy.md", SampleFiles.Read(Path.Combine("customer-service", "warranty-policy.md")), ct);
        using var quietCreated = await quiet.PostAsJsonAsync("/api/v1/api-keys", new
        {
            name = "contoso widget", kind = "widget", knowledgeBases = new[] { "help" }, allowedOrigins = new[] { Site.Origin },
        }, PlatformHost.Json, ct);
        quietCreated.EnsureSuccessStatusCode();
        QuietWidgetKey = (await quietCreated.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()!;
    }

    /// <summary>A page of <paramref name="site"/> that embeds the widget with <paramref name="key"/>; <paramref name="head"/> goes into its head.</summary>
    public string AddWidgetPage(StaticSite site, string name, string key, string head = "", string attributes = "")
    {
        site.AddPage(name, $"""
            <!doctype html><html lang="en"><head><title>{name}</title>{head}</head><body><h1>{name}</h1>
            <script src="{Platform}/widget.js" data-key="{key}" {attributes} async></script></body></html>
            """);
        return $"{site.Origin}/{name}";
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Site.DisposeAsync();
        await Elsewhere.DisposeAsync();
        await _platform.DisposeAsync();
    }
}
