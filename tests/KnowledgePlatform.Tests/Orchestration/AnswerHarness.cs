using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Xunit;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>What a grounded answer produced: its streamed pieces, citations and completion.</summary>
public sealed record AnswerRun(List<string> Deltas, IReadOnlyList<Citation> Citations, AnswerCompleted Done)
{
    public string Text => string.Concat(Deltas);
}

/// <summary>The evidence the grounded-answer tests share (a dosing passage, an interactions passage) and a runner.</summary>
public static class AnswerHarness
{
    public const string Dosing = "Paracetamol is used for mild pain. The maximum daily dose for adults is 4 g. Do not combine it with other paracetamol products.";
    public const string Interactions = "Ibuprofen can interact with warfarin. Take ibuprofen with food.";
    public const string Question = "What is the maximum daily dose of paracetamol?";

    public static readonly IReadOnlyList<RetrievedChunk> Evidence =
    [
        new(new Core.Ports.ChunkPayload("c1", "t", "kb", "doc-1", "Drug dosing", "drug-dosing.md", 0, Dosing, "Dosing › Paracetamol", 3, null, ChunkKind.Text), 0.03, 0.8, 1, null, null),
        new(new Core.Ports.ChunkPayload("c2", "t", "kb", "doc-2", "Interactions", "interactions.md", 0, Interactions, "NSAIDs", null, 12, ChunkKind.Text), 0.02, 0.7, 2, null, null),
    ];

    public static AnswerPolicy Medical() => new(Vertical.Medical, Strict: true) { KnowledgeBaseName = "clinic" };

    public static readonly AnswerPolicy General = new(Vertical.General, Strict: false) { KnowledgeBaseName = "docs" };

    public static GroundedAnswerer Answerer(IChatClient chat) =>
        new(chat, new PromptLibrary(Microsoft.Extensions.Options.Options.Create(new AnsweringOptions())), new Kernel());

    public static async Task<AnswerRun> RunAsync(IChatClient chat, AnswerPolicy policy, IReadOnlyList<RetrievedChunk>? evidence = null, string question = Question)
    {
        var deltas = new List<string>();
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in Answerer(chat).GenerateAsync(new AnswerRequest(question, evidence ?? Evidence) { Policy = policy }, TestContext.Current.CancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: deltas.Add(d.Text); break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        return new AnswerRun(deltas, citations, done!);
    }
}
