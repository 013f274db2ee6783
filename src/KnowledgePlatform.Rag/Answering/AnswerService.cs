using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Evidence;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>
/// The question journey, orchestrated on a Semantic Kernel kernel: rewrite a follow-up into a standalone
/// question from the conversation, retrieve evidence through the knowledge plugin (bound to the tenant),
/// stream a grounded answer from the configured generator, and store the turn.
/// </summary>
public sealed class AnswerService(
    Retriever retriever,
    IAnswerGenerator generator,
    Extractive.ExtractiveAnswerer extractive,
    QueryRewriter rewriter,
    Kernel kernel,
    IServiceScopeFactory scopes,
    IOptions<AnsweringOptions> options,
    ILogger<AnswerService> logger)
{
    /// <summary>A single question with the general policy; nothing is stored.</summary>
    public IAsyncEnumerable<AnswerEvent> AskAsync(RetrievalRequest request, CancellationToken cancellationToken) =>
        AskAsync(request, AnswerPolicy.Default, cancellationToken);

    /// <summary>A single question answered under the knowledge base's policy; nothing is stored.</summary>
    public IAsyncEnumerable<AnswerEvent> AskAsync(RetrievalRequest request, AnswerPolicy policy, CancellationToken cancellationToken) =>
        RunAsync(request, policy, conversationId: null, remember: false, cancellationToken);

    /// <summary>A question in a conversation; the completed event names the conversation it was stored in.</summary>
    public IAsyncEnumerable<AnswerEvent> AskAsync(ConversationQuestion question, CancellationToken cancellationToken) =>
        RunAsync(question.Retrieval, question.Policy, question.ConversationId, remember: true, cancellationToken);

    private async IAsyncEnumerable<AnswerEvent> RunAsync(
        RetrievalRequest request, AnswerPolicy policy, string? conversationId, bool remember, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tenant = request.TenantId;
        // The conversation belongs to the asking tenant and its first knowledge base (a shared one when asked alone).
        var kb = request.KnowledgeBaseIds.Count > 0 ? request.KnowledgeBaseIds[0] : request.Shared is { Count: > 0 } shared ? shared[0].KnowledgeBaseId : "";
        // A stored conversation's turns, else those the caller sent with the question (an OpenAI client's messages).
        IReadOnlyList<HistoryTurn> history = request.History?.TakeLast(options.Value.HistoryTurns).ToList() ?? [];
        if (conversationId is not null)
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IConversationStore>();
            _ = await store.FindAsync(tenant, kb, conversationId, cancellationToken) ?? throw new ConversationNotFoundException(conversationId);
            history = (await store.RecentTurnsAsync(tenant, conversationId, options.Value.HistoryTurns, cancellationToken))
                .Select(t => new HistoryTurn(t.Question, t.Answer) { Standalone = t.StandaloneQuestion }).ToList();
        }
        // The question is made standalone once, here: the search it goes to does not rewrite it again.
        request = request with { History = null };

        var turnKernel = kernel.Clone();
        // The evidence gate, not the relevance floor, decides whether the evidence answers.
        var plugin = turnKernel.Plugins.AddFromObject(new KnowledgeSearchPlugin(retriever, request with { ApplyFloor = false }), KnowledgeSearchPlugin.PluginName);
        var standalone = await rewriter.RewriteAsync(request.Query, history, cancellationToken);
        var evidence = await turnKernel.InvokeAsync<RetrievalResult>(
            plugin[KnowledgeSearchPlugin.SearchFunction], new KernelArguments { ["query"] = standalone }, cancellationToken)
            ?? throw new InvalidOperationException("The knowledge search returned nothing.");
        // No answer is written, and no model called, when the gate finds the evidence does not answer the question.
        var gate = policy.Gate ?? EvidenceGateDefaults.For(policy.Vertical);
        var assessment = EvidenceGate.Assess(standalone, evidence.Candidates, gate);
        logger.LogDebug("Evidence gate: confidence {Confidence:F3} against {Threshold:F3} ({Features})", assessment.Confidence, gate.Threshold,
            string.Join(", ", EvidenceFeatures.Names.Zip(assessment.Features.Values, (n, v) => $"{n} {v:F3}")));
        IReadOnlyList<RetrievedChunk> hits = assessment.Answers ? evidence.Hits : [];
        // A question that asks two things that no one passage answers together ("how long after the vaccine, and can
        // pregnant women have it?") is asked part by part: answered when the evidence answers every part.
        if (!assessment.Answers && QuestionParts.Standalone(standalone) is { Count: > 1 } parts)
        {
            var byPart = new List<(EvidenceAssessment Assessment, RetrievalResult Evidence)>();
            foreach (var part in parts)
            {
                var found = await turnKernel.InvokeAsync<RetrievalResult>(
                    plugin[KnowledgeSearchPlugin.SearchFunction], new KernelArguments { ["query"] = part }, cancellationToken);
                if (found is not null) byPart.Add((EvidenceGate.Assess(part, found.Candidates, gate), found));
            }
            if (byPart.Count == parts.Count && byPart.All(p => p.Assessment.Answers))
            {
                assessment = byPart.MinBy(p => p.Assessment.Confidence).Assessment;
                hits = Interleave(byPart.Select(p => p.Evidence.Hits).ToList());
            }
        }
        // A question that gives a value ("the lisinopril dose at eGFR 25") is asked again without it when the gate finds the
        // evidence does not answer: the value pulls the search toward every passage about the measure, away from the one
        // about the thing asked of. When the evidence found without the value answers, the answer is chosen from it, judged
        // on the value, as the question was asked (decision 173).
        if (!assessment.Answers && Extractive.NumberConditions.WithoutValues(standalone) is var general && general != standalone && Terms.Of(general).Count() >= 2)
        {
            var found = await turnKernel.InvokeAsync<RetrievalResult>(
                plugin[KnowledgeSearchPlugin.SearchFunction], new KernelArguments { ["query"] = general }, cancellationToken);
            var withoutValue = found is null ? null : EvidenceGate.Assess(general, found.Candidates, gate);
            logger.LogDebug("Evidence gate, asked without the question's values: confidence {Confidence:F3}", withoutValue?.Confidence);
            if (withoutValue is { Answers: true }) (assessment, hits) = (withoutValue, found!.Hits);
        }
        // A FAQ entry whose question matches is the answer, whole, whatever the answer mode: no model is asked.
        var faq = assessment.Answers ? FaqMatch.Find(standalone, hits, gate.FaqThreshold ?? FaqMatch.DefaultThreshold) : null;
        var answerer = faq is null ? generator : extractive;
        if (faq is not null) hits = [faq];

        var answer = new StringBuilder();
        using var activity = PlatformTelemetry.Source.StartActivity("generate answer");
        var started = Stopwatch.GetTimestamp();
        await foreach (var generated in answerer.GenerateAsync(new AnswerRequest(standalone, hits) { Policy = policy }, cancellationToken))
        {
            var e = generated is AnswerCompleted c ? c with { EvidenceConfidence = assessment.Confidence, Model = faq is null ? c.Model : FaqMatch.ModelName } : generated;
            if (e is AnswerDelta d)
            {
                if (answer.Length == 0) PlatformTelemetry.GenerationTimeToFirstText.Record(PlatformTelemetry.SecondsSince(started));
                answer.Append(d.Text);
            }
            if (e is AnswerCompleted completed)
                PlatformTelemetry.GenerationDuration.Record(PlatformTelemetry.SecondsSince(started), new("model", completed.Model), new("status", completed.Status.ToString()));
            if (e is AnswerCompleted done && remember)
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IConversationStore>();
                conversationId ??= (await store.StartAsync(tenant, kb, cancellationToken)).Id;
                await store.AppendAsync(tenant, conversationId, request.Query, standalone, answer.ToString(), done.Status.ToString(), cancellationToken);
                yield return done with { ConversationId = conversationId };
                continue;
            }
            yield return e;
        }
    }

    /// <summary>The hits of each part in turn (first of each, then second of each…), each chunk once.</summary>
    private static List<RetrievedChunk> Interleave(IReadOnlyList<IReadOnlyList<RetrievedChunk>> lists)
    {
        var merged = new List<RetrievedChunk>();
        for (var rank = 0; rank < lists.Max(l => l.Count); rank++)
            foreach (var list in lists)
                if (rank < list.Count && merged.All(m => m.Chunk.ChunkId != list[rank].Chunk.ChunkId)) merged.Add(list[rank]);
        return merged;
    }
}
