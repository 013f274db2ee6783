extern alias cli;

using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console.Cli;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>`kp source …` against a running server: add, list, sync and wait, history, pause, resume, remove.</summary>
public sealed class SourceSyncCliTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private LoopbackSite _site = null!;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = SourceClient.Settings();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _site = await LoopbackSite.StartAsync();
        _site.Set("/help/index", LoopbackSite.Html("Help", "The Aura Mini battery base charges in 90 minutes.", "/help/returns"));
        _site.Set("/help/returns", LoopbackSite.Html("Returns", "Return labels are free for orders over 50 dollars."));
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    private Task<int> KpAsync(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(c => cli::KnowledgePlatform.Cli.Sources.SourceCommands.AddSourceCommands(c));
        using var plain = Host.Client();
        return app.RunAsync([.. args, "--server", plain.BaseAddress!.ToString(), "--key", Tenant.Key], Ct);
    }

    [Fact]
    public async Task A_curator_adds_syncs_inspects_pauses_and_removes_a_source_from_the_command_line()
    {
        using var client = Host.Client(Tenant.Key);
        var sources = new SourceClient(client, "help");

        Assert.Equal(0, await KpAsync("source", "add", "help", "help-centre", "--web", _site.Url("/help/index"), "--pause", "0s", "--every", "6h", "--no-sync"));
        var source = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/help/sources", PlatformHost.Json, Ct)).EnumerateArray());
        var id = source.GetProperty("id").GetString()!;
        Assert.Equal("06:00:00", source.GetProperty("interval").GetString());
        Assert.Equal(0, await KpAsync("source", "list", "help"));

        Assert.Equal(0, await KpAsync("source", "sync", id, "--wait"));
        await sources.WaitForDocumentsAsync(Ct);
        Assert.Equal([_site.Url("/help/index"), _site.Url("/help/returns")], (await sources.DocumentsByNameAsync(Ct)).Keys.Order());
        var run = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{id}/runs", PlatformHost.Json, Ct))[0].GetProperty("id").GetString()!;
        Assert.Equal(0, await KpAsync("source", "history", id));
        Assert.Equal(0, await KpAsync("source", "history", id, "--run", run));

        Assert.Equal(0, await KpAsync("source", "pause", id));
        Assert.Equal(1, await KpAsync("source", "sync", id));
        Assert.Equal(0, await KpAsync("source", "resume", id));
        Assert.Equal(1, await KpAsync("source", "add", "help", "bad", "--web", _site.Url("/help/"), "--every", "often"));

        Assert.Equal(0, await KpAsync("source", "remove", id, "--delete-documents"));
        Assert.Empty(await sources.DocumentsAsync(Ct));
        Assert.Equal(1, await KpAsync("source", "history", id));
    }
}
