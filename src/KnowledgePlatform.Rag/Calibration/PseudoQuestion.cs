using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// A question cut from a knowledge base's own content, with the chunks it was cut from: those chunks as they are, and
/// masked (the words of the question taken out of them), so that the question is never scored against the text it
/// came from. Asked against the masked chunks it stands for an answerable question; with its document gone, for an
/// unanswerable one.
/// </summary>
public sealed record PseudoQuestion(PseudoQuestionKind Kind, string Question, IReadOnlyList<ChunkPayload> Sources, IReadOnlyList<ChunkPayload> Masked)
{
    /// <summary>The documents the question was cut from: without them it is unanswerable.</summary>
    public IReadOnlySet<string> DocumentIds { get; } = Sources.Select(s => s.DocumentId).ToHashSet();
}
