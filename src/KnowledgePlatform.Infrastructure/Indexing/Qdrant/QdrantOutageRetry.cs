using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// Tries a Qdrant call again while Qdrant is unreachable (Unavailable, DeadlineExceeded, ResourceExhausted, Aborted):
/// <see cref="QdrantOptions.Attempts"/> tries in all, waiting about 200 ms, then 400 ms, and so on, with jitter, so
/// replicas that lost Qdrant together do not call it again in step. Any other error is the request's and is not retried.
/// </summary>
internal static class QdrantOutageRetry
{
    /// <summary>What the call was for, in the words of the log lines and of the error a person sees.</summary>
    public static readonly ResiliencePropertyKey<string> What = new("kp.qdrant.what");

    public static ResiliencePipeline Create(QdrantOptions options, ILogger logger, TimeProvider clock) =>
        options.Attempts <= 1 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(ex => IsUnavailable(ex.StatusCode)),
                MaxRetryAttempts = options.Attempts - 1,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Qdrant unreachable ({Status}) trying to {What}; attempt {Attempt} of {Attempts}, next in {Delay}",
                        (args.Outcome.Exception as RpcException)?.StatusCode, args.Context.Properties.GetValue(What, "call Qdrant"),
                        args.AttemptNumber + 1, options.Attempts, args.RetryDelay);
                    return default;
                },
            })
            .Build();

    public static bool IsUnavailable(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;
}
