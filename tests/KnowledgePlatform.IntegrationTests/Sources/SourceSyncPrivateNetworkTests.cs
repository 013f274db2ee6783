using System.Text.Json;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>By default a web source reads public sites only: a curator cannot make the server fetch loopback or intranet addresses.</summary>
public sealed class SourceSyncPrivateNetworkTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private LoopbackSite _site = null!;

    public async ValueTask InitializeAsync()
    {
        _host = new PlatformHost(_data, new Dictionary<string, string> { ["Sources:PollInterval"] = "00:00:00.200" });
        _site = await LoopbackSite.StartAsync();
        _site.Set("/admin/secrets", LoopbackSite.Html("Secrets", "Internal only."));
    }

    public async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_web_source_on_a_loopback_address_fails_without_a_request_and_says_how_to_allow_it()
    {
        using var client = _host.Client(await _host.CreateTenantAsync("acme", "help", _ct));
        var sources = new SourceClient(client, "help");
        var source = await sources.CreateWebAsync(_site.Url("/admin/secrets"), TimeSpan.Zero, _ct);

        var run = (await sources.WaitAsync(source.GetProperty("lastRun").GetProperty("id").GetString()!, _ct)).GetProperty("run");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("Sources:AllowPrivateNetworks", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
        Assert.Empty(await sources.DocumentsAsync(_ct));
    }
}
