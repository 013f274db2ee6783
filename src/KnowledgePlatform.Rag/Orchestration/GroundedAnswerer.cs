using System.Runtime.CompilerServices;
using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Rag.Answering;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Answers with a generative model, grounded in the retrieved evidence: the vertical's prompt template
/// (from files) fences the evidence as numbered data (instruction-like sentences neutralised when the
/// policy says so), the model's reasoning is removed from its output (<see cref="ReasoningFilter"/>), and
/// every sentence of the answer must cite retrieved chunks that support what it states
/// (<see cref="ClaimStream"/>). Citations are mapped back to the exact chunks.
/// </summary>
/// <remarks>
/// A strict knowledge base's answer is checked whole before any of it is shown (an answer cannot be taken
/// back once streamed): one uncited or unsupported claim and it is refused with "not found in the knowledge
/// base". Others stream claim by claim, dropping the claims that fail; nothing left is "not found" too.
/// </remarks>
public sealed class GroundedAnswerer(IChatClient chat, PromptLibrary prompts, Kernel kernel) : IAnswerGenerator
{
    public async IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var policy = request.Policy;
        var evidence = request.Evidence;
        var template = prompts.Answer(policy.Vertical);
        var arguments = new KernelArguments
        {
            ["question"] = request.Question,
            ["sources"] = Grounding.Sources(evidence, policy.NeutraliseEmbeddedInstructions),
            ["knowledge_base"] = policy.KnowledgeBaseName,
        };
        var model = chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? "chat";
        var notFound = await template.RenderAsync("not_found", kernel, arguments, cancellationToken);

        // Nothing the evidence gate let through: refuse without asking the model to improvise.
        if (evidence.Count == 0)
        {
            foreach (var e in Refusal(notFound, model)) yield return e;
            yield break;
        }

        var messages = await template.MessagesAsync(kernel, arguments, cancellationToken);
        var reasoning = new ReasoningFilter();
        var claims = new ClaimStream(evidence, request.Question);
        // Only the model's text: reasoning a provider separates (TextReasoningContent) is not part of Update.Text.
        await foreach (var update in chat.GetStreamingResponseAsync(messages, Options(policy.Generation), cancellationToken))
        {
            model = update.ModelId ?? model;
            // A closing </think> without its opening tag: what came before was reasoning (what was released stays released).
            if (reasoning.Push(update.Text).Withdrawn) claims = new ClaimStream(evidence, request.Question);
            if (policy.Strict || Grounding.MightBeNotFound(reasoning.Text)) continue;
            if (claims.Advance(reasoning.Text, final: false) is { Length: > 0 } released) yield return new AnswerDelta(released);
        }
        reasoning.Flush();

        var answer = reasoning.Text;
        if (!policy.Strict && !Grounding.IsNotFound(answer) && claims.Advance(answer, final: true) is { Length: > 0 } rest)
            yield return new AnswerDelta(rest);
        var verdict = policy.Strict || Grounding.IsNotFound(answer) ? Grounding.Check(answer, evidence, request.Question) : claims.Verdict;
        if (verdict.NotFound || !verdict.Claims.Any(c => c.Kept) || (policy.Strict && !verdict.Grounded))
        {
            foreach (var e in Refusal(notFound, model)) yield return e;
            yield break;
        }

        if (policy.Strict)
        {
            foreach (var piece in ExtractiveAnswerer.Words(verdict.Text)) yield return new AnswerDelta(piece);
        }
        yield return new AnswerCitations(Grounding.Cite(verdict.Text, verdict.Cited, evidence));
        yield return new AnswerCompleted(AnswerStatus.Answered, model) { Grounded = true };
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
