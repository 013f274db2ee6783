using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>By default a web source reads public sites only: a curator cannot make the server fetch loopback or intranet addresses.</summary>
public sealed class SourceSyncPrivateNetworkTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private LoopbackSite _site = null!;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Sources:PollInterval"] = "00:00:00.200" };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _site = await LoopbackSite.StartAsync();
        _site.Set("/admin/secrets", LoopbackSite.Html("Secrets", "Internal only."));
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_web_source_on_a_loopback_address_fails_without_a_request_and_says_how_to_allow_it()
    {
        var client = Admin;
        var sources = new SourceClient(client, "help");
        var source = await sources.CreateWebAsync(_site.Url("/admin/secrets"), TimeSpan.Zero, Ct);

        var run = (await sources.WaitAsync(source.GetProperty("lastRun").GetProperty("id").GetString()!, Ct)).GetProperty("run");

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("Sources:AllowPrivateNetworks", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
        Assert.Empty(await sources.DocumentsAsync(Ct));
    }
}
