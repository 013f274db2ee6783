using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>
/// Makes a follow-up stand on its own without a generative model: a question that leans on the one before it ("and for
/// holiday purchases?", "what about children?", "how much is it?") is searched together with the earlier turn's
/// standalone question; a question that stands on its own is searched as asked. A short question put to the organisation
/// itself ("How can I reach you?", "What are your hours?") stands on its own, unless it refers back ("Do you ship there?").
/// </summary>
public static class FollowUpQuestion
{
    private static readonly string[] Openings = ["and ", "and,", "what about ", "how about ", "also ", "or ", "but ", "same for ", "then ", "ok and ", "okay and "];

    private static readonly HashSet<string> ReferringWords = new(StringComparer.Ordinal)
    {
        "it", "its", "that", "this", "they", "them", "those", "these", "there", "one", "ones", "he", "she", "him", "her",
    };

    /// <summary>Words that put the question to the organisation answering it.</summary>
    private static readonly HashSet<string> Addressee = new(StringComparer.Ordinal) { "you", "your", "yours", "us", "we" };

    /// <summary>Questions this short that refer back ("how much is it?") lean on the earlier turn.</summary>
    private const int ShortWords = 6;

    public static string Standalone(string question, HistoryTurn previous) =>
        LeansOnEarlier(question) ? $"{previous.Standalone ?? previous.Question} {question.Trim()}" : question;

    public static bool LeansOnEarlier(string question)
    {
        var text = question.Trim().ToLowerInvariant();
        if (Openings.Any(text.StartsWith)) return true;
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('?', '.', '!', ',', ';', ':')).ToList();
        var refersBack = words.Count <= ShortWords && words.Any(ReferringWords.Contains);
        return refersBack || (Terms.Of(question).Count() <= 1 && !words.Any(Addressee.Contains));
    }
}
