using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Qdrant's live generations in the metadata database (decision 0094): what two servers sharing it agree on.</summary>
public abstract class LiveGenerationStoreTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : LiveGenerationStoreTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : LiveGenerationStoreTests(platform), IClassFixture<PostgresPlatform>;

    // The test's own knowledge base id: epochs are counted per knowledge base on the class's database.
    private string Kb => "kb_" + Tenant.Id;

    private DocumentRef Doc => new(Tenant.Id, Kb, "doc_1");

    /// <summary>A store as a server process has one: its own owner id, the shared database.</summary>
    private DatabaseLiveGenerations Server() => new(Host.Services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);

    [Fact]
    public async Task A_replace_is_hidden_until_published_and_every_step_moves_the_epoch()
    {
        var store = Server();
        Assert.Empty((await store.ReadAsync([Kb], Ct)).Transitions);

        await store.BeginAsync(Doc, "g2", Ct);
        var begun = await store.ReadAsync([Kb], Ct);
        var hidden = Assert.Single(begun.Transitions);
        Assert.Null(hidden.LiveGeneration);
        Assert.Equal(["g2"], hidden.HiddenGenerations);

        await store.PublishAsync(Doc, "g2", Ct);
        var published = await store.ReadAsync([Kb], Ct);
        Assert.Equal("g2", Assert.Single(published.Transitions).LiveGeneration);
        Assert.False(published.SameEpochs(begun.Epochs));

        await store.EndAsync(Doc, Ct);
        var ended = await store.ReadAsync([Kb], Ct);
        Assert.Empty(ended.Transitions);
        Assert.Equal(3, ended.Epochs[Kb]);
    }

    [Fact]
    public async Task Another_server_waits_for_a_replace_in_progress_and_takes_over_one_that_failed()
    {
        var first = Server();
        var second = Server();
        await first.BeginAsync(Doc, "g2", Ct);

        var waiting = second.BeginAsync(Doc, "g3", Ct);
        await Task.Delay(600, Ct);
        Assert.False(waiting.IsCompleted, "the second server did not wait for the first one's replace");

        await first.ReleaseAsync(Doc, Ct); // the first replace failed
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var taken = Assert.Single((await second.ReadAsync([Kb], Ct)).Transitions);
        Assert.Equal(["g2", "g3"], taken.HiddenGenerations);

        await second.ForgetAsync(Tenant.Id, Kb, null, Ct);
        Assert.Empty((await first.ReadAsync([Kb], Ct)).Transitions);
    }
}
