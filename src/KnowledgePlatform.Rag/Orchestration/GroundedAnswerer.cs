using System.Runtime.CompilerServices;
using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Answers with a generative model, grounded in the retrieved evidence: the vertical's prompt template
/// (from files) fences the evidence as numbered data (instruction-like sentences neutralised when the
/// policy says so), the model's answer is streamed without its reasoning (<see cref="ReasoningFilter"/>), its citation markers are mapped back
/// to the exact chunks, and an answer that cites nothing, cites what was not retrieved, or (medical)
/// leaves a claim uncited is caught: a strict knowledge base refuses it with "not found in the knowledge
/// base", others deliver it with the status <see cref="AnswerStatus.Ungrounded"/>.
/// </summary>
/// <remarks>
/// A strict knowledge base's answer is checked before any of it is shown (an answer cannot be taken back
/// once streamed), so it arrives all at once after generation; others stream as the model writes.
/// </remarks>
public sealed class GroundedAnswerer(IChatClient chat, PromptLibrary prompts, Kernel kernel) : IAnswerGenerator
{
    public async IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var policy = request.Policy;
        var template = prompts.Answer(policy.Vertical);
        var arguments = new KernelArguments
        {
            ["question"] = request.Question,
            ["sources"] = Grounding.Sources(request.Evidence, policy.NeutraliseEmbeddedInstructions),
            ["knowledge_base"] = policy.KnowledgeBaseName,
        };
        var model = chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? "chat";
        var notFound = await template.RenderAsync("not_found", kernel, arguments, cancellationToken);

        // Nothing above the relevance floor: refuse without asking the model to improvise.
        if (request.Evidence.Count == 0)
        {
            foreach (var e in Refusal(notFound, model)) yield return e;
            yield break;
        }

        var messages = await template.MessagesAsync(kernel, arguments, cancellationToken);
        var reasoning = new ReasoningFilter();
        var shown = 0;
        // Only the model's text: reasoning a provider separates (TextReasoningContent) is not part of Update.Text.
        await foreach (var update in chat.GetStreamingResponseAsync(messages, Options(policy.Generation), cancellationToken))
        {
            model = update.ModelId ?? model;
            // A closing </think> without its opening tag: what came before was reasoning (what was shown stays shown).
            if (reasoning.Push(update.Text).Withdrawn) shown = 0;
            if (policy.Strict) continue;
            var sofar = reasoning.Text;
            if (shown == 0 && Grounding.MightBeNotFound(sofar)) continue;
            if (sofar.Length > shown)
            {
                yield return new AnswerDelta(sofar[shown..]);
                shown = sofar.Length;
            }
        }

        reasoning.Flush();
        var answer = reasoning.Text;
        var verdict = Grounding.Check(answer, request.Evidence.Count, everyClaimCited: policy.Vertical == Vertical.Medical);
        if (verdict.NotFound || (policy.Strict && !verdict.Grounded))
        {
            foreach (var e in Refusal(notFound, model)) yield return e;
            yield break;
        }

        if (shown < answer.Length)
        {
            foreach (var piece in ExtractiveAnswerer.Words(answer[shown..])) yield return new AnswerDelta(piece);
        }
        yield return new AnswerCitations(Grounding.Cite(answer, verdict.Cited, request.Evidence));
        yield return new AnswerCompleted(verdict.Grounded ? AnswerStatus.Answered : AnswerStatus.Ungrounded, model) { Grounded = verdict.Grounded };
    }

    /// <summary>Unset fields take the configured defaults (Chat:Temperature, Chat:Seed).</summary>
    private static ChatOptions Options(GenerationSettings? generation) =>
        generation is null ? new ChatOptions() : new ChatOptions { Temperature = generation.Temperature, Seed = generation.Seed };

    private static IEnumerable<AnswerEvent> Refusal(string notFound, string model)
    {
        yield return new AnswerDelta(notFound);
        yield return new AnswerCitations([]);
        yield return new AnswerCompleted(AnswerStatus.InsufficientEvidence, model);
    }
}
