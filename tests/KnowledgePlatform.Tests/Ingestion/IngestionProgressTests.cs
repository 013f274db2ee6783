using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Tests.Fakes;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Pipeline.Steps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Ingestion;

/// <summary>Which step starts the runner writes to the database: at most one a second.</summary>
public sealed class IngestionProgressTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly ManualClock _clock = new();
    private readonly SingleJobStore _store = new();

    private IngestionRunner Runner(params TimeSpan[] stepDurations) =>
        new([.. stepDurations.Select((d, i) => new TimedStep($"step{i + 1}", d, _clock))], _store, index: null!,
            Options.Create(new IngestionOptions()), NullLogger<IngestionRunner>.Instance, _clock);

    [Fact]
    public async Task A_document_that_passes_every_step_within_a_second_writes_no_step_start()
    {
        await Runner(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)).RunNextAsync("w1", _ct);

        Assert.Empty(_store.Reports);
        Assert.True(_store.Succeeded);
    }

    [Fact]
    public async Task A_step_that_starts_a_second_or_more_after_the_last_write_is_shown_and_renews_the_lease()
    {
        await Runner(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.Zero).RunNextAsync("w1", _ct);

        // step1 starts right after the claim; step2 two seconds later; step3 0.3 s after that write; step4 1.3 s after it.
        Assert.Equal(["step2", "step4"], _store.Reports);
        Assert.True(_store.Succeeded);
    }

    [Fact]
    public async Task A_short_document_through_the_index_step_writes_no_progress_before_its_success()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var index = new EmbeddedChunkIndex(folder);
            var runner = new IngestionRunner([new TimedStep("chunk", TimeSpan.FromMilliseconds(100), _clock), new IndexStep(index, _store)], _store, index,
                Options.Create(new IngestionOptions()), NullLogger<IngestionRunner>.Instance, _clock);

            await runner.RunNextAsync("w1", _ct);

            Assert.Empty(_store.Reports);
            Assert.True(_store.Succeeded);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class TimedStep(string name, TimeSpan duration, ManualClock clock) : IIngestionStep
    {
        public string Name => name;
        public bool Durable => false;

        public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
        {
            clock.Advance(duration);
            context.Chunks ??= [];
            return Task.CompletedTask;
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
    }
}
