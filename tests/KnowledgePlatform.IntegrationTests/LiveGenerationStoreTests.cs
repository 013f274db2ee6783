using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Qdrant's live generations in the metadata database (decision 0094): what two servers sharing it agree on.</summary>
public abstract class LiveGenerationStoreTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : LiveGenerationStoreTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : LiveGenerationStoreTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly DocumentRef _doc = new("acme", "kb_1", "doc_1");
    private PlatformHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A store as a server process has one: its own owner id, the shared database.</summary>
    private DatabaseLiveGenerations Server() => new(_host.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);

    [Fact]
    public async Task A_replace_is_hidden_until_published_and_every_step_moves_the_epoch()
    {
        var store = Server();
        Assert.Empty((await store.ReadAsync(["kb_1"], _ct)).Transitions);

        await store.BeginAsync(_doc, "g2", _ct);
        var begun = await store.ReadAsync(["kb_1"], _ct);
        var hidden = Assert.Single(begun.Transitions);
        Assert.Null(hidden.LiveGeneration);
        Assert.Equal(["g2"], hidden.HiddenGenerations);

        await store.PublishAsync(_doc, "g2", _ct);
        var published = await store.ReadAsync(["kb_1"], _ct);
        Assert.Equal("g2", Assert.Single(published.Transitions).LiveGeneration);
        Assert.False(published.SameEpochs(begun.Epochs));

        await store.EndAsync(_doc, _ct);
        var ended = await store.ReadAsync(["kb_1"], _ct);
        Assert.Empty(ended.Transitions);
        Assert.Equal(3, ended.Epochs["kb_1"]);
    }

    [Fact]
    public async Task Another_server_waits_for_a_replace_in_progress_and_takes_over_one_that_failed()
    {
        var first = Server();
        var second = Server();
        await first.BeginAsync(_doc, "g2", _ct);

        var waiting = second.BeginAsync(_doc, "g3", _ct);
        await Task.Delay(600, _ct);
        Assert.False(waiting.IsCompleted, "the second server did not wait for the first one's replace");

        await first.ReleaseAsync(_doc, _ct); // the first replace failed
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), _ct);
        var taken = Assert.Single((await second.ReadAsync(["kb_1"], _ct)).Transitions);
        Assert.Equal(["g2", "g3"], taken.HiddenGenerations);

        await second.ForgetAsync("acme", "kb_1", null, _ct);
        Assert.Empty((await first.ReadAsync(["kb_1"], _ct)).Transitions);
    }
}
