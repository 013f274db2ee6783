using System.Diagnostics;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Ingestion.Extraction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// Takes one claimed job through the steps in order, resuming after the last durable step a previous
/// attempt completed. Bad input fails the document for good with the extractor's reason; anything
/// else is retried with exponential backoff up to <see cref="IngestionOptions.MaxAttempts"/>.
/// </summary>
public sealed class IngestionRunner(
    IEnumerable<IIngestionStep> steps,
    IIngestionStore store,
    IChunkIndex index,
    IOptions<IngestionOptions> options,
    ILogger<IngestionRunner> logger,
    TimeProvider? time = null)
{
    private readonly TimeProvider _clock = time ?? TimeProvider.System;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private readonly IReadOnlyList<IIngestionStep> _steps = steps.ToList();

    public IReadOnlyList<string> StepNames => _steps.Select(s => s.Name).ToList();

    /// <summary>Claims and processes one job; false when none was due.</summary>
    public async Task<bool> RunNextAsync(string workerId, CancellationToken cancellationToken)
    {
        var work = await store.ClaimNextAsync(workerId, options.Value.Lease, cancellationToken);
        if (work is null) return false;
        await RunAsync(work, cancellationToken);
        return true;
    }

    private async Task RunAsync(IngestionWork work, CancellationToken cancellationToken)
    {
        var (job, document) = (work.Job, work.Document);
        // Resume after the last durable step; a job recorded by an older version after a step that is no
        // longer durable (index) runs that step again.
        var completed = job.CompletedStep is null ? -1 : _steps.ToList().FindIndex(s => s.Name == job.CompletedStep);
        var first = completed < 0 ? 0 : _steps[completed].Durable ? completed + 1 : completed;
        var current = _steps[Math.Min(first, _steps.Count - 1)].Name;
        var lease = options.Value.Lease;
        var reported = _clock.GetTimestamp(); // the claim has just renewed the lease
        async Task ReportAsync(int percent, CancellationToken ct)
        {
            await store.ReportProgressAsync(job.Id, document.Id, current, percent, lease, ct);
            reported = _clock.GetTimestamp();
        }
        var context = new IngestionContext(work, ReportAsync);
        using var activity = PlatformTelemetry.Source.StartActivity("ingest document");
        activity?.SetTag("kp.document.id", document.Id);
        activity?.SetTag("kp.ingestion.attempt", job.Attempts);
        try
        {
            for (var i = first; i < _steps.Count; i++)
            {
                var step = _steps[i];
                current = step.Name;
                using var stepActivity = PlatformTelemetry.Source.StartActivity($"ingest {step.Name}");
                var started = Stopwatch.GetTimestamp();
                var outcome = "failed";
                try
                {
                    // A step's start is a database write (the step shown, the lease renewed): at most one a second, so a
                    // short document that passes every step within a second writes none of them.
                    if (_clock.GetElapsedTime(reported) >= ProgressInterval) await ReportAsync(0, cancellationToken);
                    await step.RunAsync(context, cancellationToken);
                    if (step.Durable) await store.CompleteStepAsync(job.Id, step.Name, cancellationToken);
                    outcome = "ok";
                }
                finally
                {
                    PlatformTelemetry.IngestionStepDuration.Record(PlatformTelemetry.SecondsSince(started), new("step", step.Name), new("outcome", outcome));
                }
            }
            if (!await store.SucceedAsync(job.Id, document.Id, job.DocumentVersion, cancellationToken))
            {
                // Deleted while we worked: take back what the index step added.
                await index.DeleteDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), cancellationToken);
                return;
            }
            logger.LogInformation("Document {DocumentId} ready: {Chunks} chunks", document.Id, context.Chunks?.Count);
            PlatformTelemetry.IngestionJobs.Add(1, new KeyValuePair<string, object?>("outcome", "ready"));
        }
        catch (ExtractionException ex)
        {
            logger.LogWarning("Document {DocumentId} failed at {Step}: {Code}", document.Id, current, ex.Code);
            await RecordAsync(() => store.FailAsync(job.Id, document.Id, ex.Message, retryAfter: null, CancellationToken.None), job.Id, cancellationToken);
            PlatformTelemetry.IngestionJobs.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not ExtractionException)
        {
            // Shutting down: give the job back so the next worker resumes it at once, after its last durable step.
            // Not every library reports cancellation as such (ONNX Runtime fails with "terminate flag being set"):
            // during shutdown any failure is the shutdown's, not the document's, and uses up no attempt.
            await store.ReleaseAsync(job.Id, CancellationToken.None);
            if (ex is OperationCanceledException) throw;
            throw new OperationCanceledException("Ingestion stopped for shutdown.", ex, cancellationToken);
        }
        catch (Exception ex)
        {
            var attempts = job.Attempts; // the claim counted this attempt
            // An unreachable index (Qdrant down) or database is not the document's fault: the job waits for it, however long.
            var final = attempts >= options.Value.MaxAttempts && ex is not IndexUnavailableException && !IsDatabaseUnavailable(ex);
            logger.LogError(ex, "Document {DocumentId} attempt {Attempt} failed at {Step}", document.Id, attempts, current);
            var reason = final
                ? $"Ingestion failed at the {current} step after {attempts} attempts: {ex.Message}"
                : $"Attempt {attempts} failed at the {current} step; retrying: {ex.Message}";
            await RecordAsync(() => store.FailAsync(job.Id, document.Id, reason, final ? null : RetryDelay(attempts), CancellationToken.None),
                job.Id, cancellationToken);
            PlatformTelemetry.IngestionJobs.Add(1, new KeyValuePair<string, object?>("outcome", final ? "failed" : "retry"));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        }
    }

    /// <summary>
    /// How long a failed job waits before its next attempt: 4 s after the first, 16 s after the second, ... at most 5
    /// minutes, each within ±25 % at random, so the jobs that one outage failed together (Qdrant or the embedding
    /// endpoint down) do not all come back in the same second.
    /// </summary>
    internal static TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(4, attempts), 300) * (0.75 + 0.5 * Random.Shared.NextDouble()));

    /// <summary>
    /// Records a job's outcome. When the database itself is down (a restart, a failover) the outcome cannot be
    /// written at once: keep trying, waiting 250 ms doubling up to 5 s with jitter, up to half the lease, instead of
    /// leaving the job claimed by this worker until its lease expires (minutes in which nobody would ingest it).
    /// </summary>
    private async Task RecordAsync(Func<Task> record, string jobId, CancellationToken cancellationToken)
    {
        var deadline = _clock.GetUtcNow() + (options.Value.Lease / 2);
        var retry = new ResiliencePipelineBuilder { TimeProvider = _clock }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsDatabaseUnavailable(ex)
                && _clock.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested),
            MaxRetryAttempts = int.MaxValue,
            Delay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(5),
            UseJitter = true,
            OnRetry = args =>
            {
                logger.LogWarning("The outcome of job {JobId} could not be recorded ({Error}); retrying in {Delay}", jobId, args.Outcome.Exception!.GetType().Name, args.RetryDelay);
                return default;
            },
        }).Build();
        try
        {
            await retry.ExecuteAsync(async _ => await record(), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown ended a wait: one last try, whose failure is the caller's to see.
            await record();
        }
    }

    /// <summary>A database connection or command failure (possibly wrapped by EF Core's retry strategy).</summary>
    private static bool IsDatabaseUnavailable(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException or TimeoutException) return true;
        }
        return false;
    }
}
