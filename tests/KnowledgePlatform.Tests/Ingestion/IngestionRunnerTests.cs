using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Tests.Fakes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Ingestion;

/// <summary>How the runner records a failed attempt while the database is briefly gone, on a clock that never waits.</summary>
public sealed class IngestionRunnerTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly FastForwardClock _clock = new();

    private IngestionRunner Runner(IIngestionStore store) =>
        new([new FailingStep()], store, index: null!, Options.Create(new IngestionOptions { Lease = TimeSpan.FromSeconds(20) }), NullLogger<IngestionRunner>.Instance, _clock);

    [Fact]
    public async Task A_failure_the_database_cannot_take_at_once_is_recorded_once_it_is_back_after_jittered_waits()
    {
        var store = new UnsteadyStore(failures: 3);

        await Runner(store).RunNextAsync("w1", _ct);

        var (reason, retryAfter) = Assert.Single(store.Recorded);
        Assert.Equal("Attempt 1 failed at the explode step; retrying: boom", reason);
        Assert.InRange(retryAfter!.Value.TotalSeconds, 3, 5);
        Assert.Equal(3, _clock.Waits.Count);
        Assert.NotEqual([250, 500, 1000], _clock.Waits.Select(w => w.TotalMilliseconds));
    }

    [Fact]
    public void Jobs_failed_by_one_outage_come_back_spread_out_within_a_quarter_of_their_wait()
    {
        var second = Enumerable.Range(0, 100).Select(_ => IngestionRunner.RetryDelay(2).TotalSeconds).ToList();
        Assert.All(second, s => Assert.InRange(s, 12, 20));
        Assert.True(second.Max() - second.Min() > 4, $"100 retries after a second failure spread over only {second.Max() - second.Min():0.0} s");
        Assert.All(Enumerable.Range(0, 100), _ => Assert.InRange(IngestionRunner.RetryDelay(9).TotalSeconds, 225, 375));
    }

    [Fact]
    public async Task A_database_gone_for_longer_than_half_the_lease_is_given_up_on()
    {
        var store = new UnsteadyStore(failures: int.MaxValue);

        await Assert.ThrowsAsync<SqliteException>(() => Runner(store).RunNextAsync("w1", _ct));

        Assert.Empty(store.Recorded);
        Assert.All(_clock.Waits, wait => Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(5)));
        Assert.InRange(_clock.Waits.Aggregate(TimeSpan.Zero, (sum, w) => sum + w), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));
    }

    private sealed class FailingStep : IIngestionStep
    {
        public string Name => "explode";
        public bool Durable => false;
        public Task RunAsync(IngestionContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    /// <summary>Hands out one job; recording its failure fails <paramref name="failures"/> times as a locked database would.</summary>
    private sealed class UnsteadyStore(int failures) : SingleJobStore
    {
        private int _failures = failures;

        public override Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken)
        {
            if (_failures-- > 0) throw new SqliteException("database is locked", 5);
            return base.FailAsync(jobId, documentId, reason, retryAfter, cancellationToken);
        }
    }
}
