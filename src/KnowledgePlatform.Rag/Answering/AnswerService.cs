using System.Diagnostics;
using System.Runtime.CompilerServices;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>The question journey: retrieve evidence inside the tenant, then stream a grounded answer from it.</summary>
public sealed class AnswerService(Retriever retriever, IAnswerGenerator generator)
{
    public async IAsyncEnumerable<AnswerEvent> AskAsync(RetrievalRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var retrieval = await retriever.SearchAsync(request, cancellationToken);
        using var activity = PlatformTelemetry.Source.StartActivity("generate answer");
        var started = Stopwatch.GetTimestamp();
        var firstText = true;
        await foreach (var e in generator.GenerateAsync(new AnswerRequest(request.Query, retrieval.Hits), cancellationToken))
        {
            switch (e)
            {
                case AnswerDelta when firstText:
                    firstText = false;
                    PlatformTelemetry.GenerationTimeToFirstText.Record(PlatformTelemetry.SecondsSince(started));
                    break;
                case AnswerCompleted done:
                    PlatformTelemetry.GenerationDuration.Record(PlatformTelemetry.SecondsSince(started),
                        new("model", done.Model), new("status", done.Status.ToString()));
                    break;
            }
            yield return e;
        }
    }
}
