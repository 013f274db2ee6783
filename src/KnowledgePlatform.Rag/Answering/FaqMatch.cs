using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>
/// A question that matches a FAQ entry's question is answered with that entry's answer, whole, in every answer mode and
/// without a generative model (its cost and latency saved). The match is the overlap of the two questions' content
/// words (Dice coefficient); the knowledge base's calibration sets how close counts (decision 0100). A word of the
/// question that the entry writes nowhere, neither in its question nor in its answer, is what the asker asks about and
/// the entry is not: "Can I drink alcohol while taking warfarin?" is not the entry "Can I drink alcohol while taking
/// metformin?", however many words they share (the answerer then chooses from all the evidence).
/// </summary>
public static class FaqMatch
{
    /// <summary>The model an answer names when it is a FAQ entry's answer given directly.</summary>
    public const string ModelName = "faq";

    /// <summary>How far down the evidence a matching FAQ entry is looked for.</summary>
    private const int Depth = 3;

    /// <summary>The closeness used until a knowledge base calibrates its own.</summary>
    public const double DefaultThreshold = 0.75;

    /// <summary>The question of a "Q: …\nA: …" chunk, or null.</summary>
    public static string? QuestionOf(ChunkPayload chunk)
    {
        if (chunk.Kind != ChunkKind.QuestionAnswer || !chunk.Text.StartsWith("Q: ", StringComparison.Ordinal)) return null;
        var answerAt = chunk.Text.IndexOf("\nA: ", StringComparison.Ordinal);
        return answerAt < 0 ? null : chunk.Text[3..answerAt].Trim();
    }

    public static double Score(string question, string faqQuestion)
    {
        var a = Terms.Of(question).ToHashSet();
        var b = Terms.Of(faqQuestion).ToHashSet();
        return a.Count + b.Count == 0 ? 0 : 2.0 * a.Count(b.Contains) / (a.Count + b.Count);
    }

    /// <summary>The FAQ entry among the best evidence whose question matches, or null.</summary>
    public static RetrievedChunk? Find(string question, IReadOnlyList<RetrievedChunk> evidence, double threshold) =>
        evidence.Take(Depth)
            .Select(e => (Evidence: e, Question: QuestionOf(e.Chunk)))
            .Where(x => x.Question is not null)
            .Select(x => (x.Evidence, Score: Score(question, x.Question!)))
            .Where(x => x.Score >= threshold && Holds(x.Evidence.Chunk.Text, question))
            .OrderByDescending(x => x.Score)
            .Select(x => x.Evidence)
            .FirstOrDefault();

    /// <summary>Whether the entry (its question and answer) writes every content word of the question, as a stem ("taking" holds "take").</summary>
    public static bool Holds(string entry, string question)
    {
        var written = Terms.Stems(entry).ToHashSet();
        return Terms.Stems(question).All(written.Contains);
    }

    /// <summary>
    /// The closeness a knowledge base's FAQ needs: above how close its distinct FAQ questions come to one another (their
    /// 95th percentile), never below 0.6; the default without at least two FAQ questions.
    /// </summary>
    public static double Threshold(IReadOnlyList<string> faqQuestions)
    {
        if (faqQuestions.Count < 2) return DefaultThreshold;
        var closest = faqQuestions.Select((q, i) => faqQuestions.Where((_, j) => j != i).Max(other => Score(q, other))).Order().ToList();
        return Math.Clamp(closest[(int)Math.Floor(0.95 * (closest.Count - 1))] + 0.05, 0.6, 0.95);
    }
}
