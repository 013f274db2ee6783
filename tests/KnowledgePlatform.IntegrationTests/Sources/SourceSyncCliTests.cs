extern alias cli;

using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console.Cli;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>`kp source …` against a running server: add, list, sync and wait, history, pause, resume, remove.</summary>
public sealed class SourceSyncCliTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private LoopbackSite _site = null!;
    private string _key = "";

    public async ValueTask InitializeAsync()
    {
        _host = new PlatformHost(_data, SourceClient.Settings());
        _key = await _host.CreateTenantAsync("acme", "help", _ct);
        _site = await LoopbackSite.StartAsync();
        _site.Set("/help/index", LoopbackSite.Html("Help", "The Aura Mini battery base charges in 90 minutes.", "/help/returns"));
        _site.Set("/help/returns", LoopbackSite.Html("Returns", "Return labels are free for orders over 50 dollars."));
    }

    public async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private Task<int> KpAsync(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(c => cli::KnowledgePlatform.Cli.Sources.SourceCommands.AddSourceCommands(c));
        using var plain = _host.Client();
        return app.RunAsync([.. args, "--server", plain.BaseAddress!.ToString(), "--key", _key], _ct);
    }

    [Fact]
    public async Task A_curator_adds_syncs_inspects_pauses_and_removes_a_source_from_the_command_line()
    {
        using var client = _host.Client(_key);
        var sources = new SourceClient(client, "help");

        Assert.Equal(0, await KpAsync("source", "add", "help", "help-centre", "--web", _site.Url("/help/index"), "--pause", "0s", "--every", "6h", "--no-sync"));
        var source = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/help/sources", PlatformHost.Json, _ct)).EnumerateArray());
        var id = source.GetProperty("id").GetString()!;
        Assert.Equal("06:00:00", source.GetProperty("interval").GetString());
        Assert.Equal(0, await KpAsync("source", "list", "help"));

        Assert.Equal(0, await KpAsync("source", "sync", id, "--wait"));
        await sources.WaitForDocumentsAsync(_ct);
        Assert.Equal([_site.Url("/help/index"), _site.Url("/help/returns")], (await sources.DocumentsByNameAsync(_ct)).Keys.Order());
        var run = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{id}/runs", PlatformHost.Json, _ct))[0].GetProperty("id").GetString()!;
        Assert.Equal(0, await KpAsync("source", "history", id));
        Assert.Equal(0, await KpAsync("source", "history", id, "--run", run));

        Assert.Equal(0, await KpAsync("source", "pause", id));
        Assert.Equal(1, await KpAsync("source", "sync", id));
        Assert.Equal(0, await KpAsync("source", "resume", id));
        Assert.Equal(1, await KpAsync("source", "add", "help", "bad", "--web", _site.Url("/help/"), "--every", "often"));

        Assert.Equal(0, await KpAsync("source", "remove", id, "--delete-documents"));
        Assert.Empty(await sources.DocumentsAsync(_ct));
        Assert.Equal(1, await KpAsync("source", "history", id));
    }
}
