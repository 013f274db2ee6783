using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Cuts pseudo-questions from a knowledge base's chunks: FAQ questions, table row keys, headings and titles, a seeded
/// sample spread over the kinds and documents. The one source of pseudo-questions for every calibration (evidence
/// gate and fusion).
/// </summary>
public static class PseudoQuestions
{
    private const int MinTerms = 2;
    private const int MaxWords = 24;

    public static IReadOnlyList<PseudoQuestion> Cut(IReadOnlyList<ChunkPayload> chunks, int max, int seed = 11)
    {
        var byKind = new Dictionary<PseudoQuestionKind, List<PseudoQuestion>>
        {
            [PseudoQuestionKind.Faq] = [], [PseudoQuestionKind.TableRow] = [], [PseudoQuestionKind.Heading] = [], [PseudoQuestionKind.Title] = [],
        };
        foreach (var chunk in chunks)
        {
            if (chunk.Kind == ChunkKind.QuestionAnswer && Faq(chunk) is { } faq) byKind[PseudoQuestionKind.Faq].Add(faq);
            if (chunk.Kind == ChunkKind.Table) byKind[PseudoQuestionKind.TableRow].AddRange(Rows(chunk));
        }
        foreach (var section in chunks.Where(c => c.HeadingPath.Length > 0).GroupBy(c => (c.DocumentId, c.HeadingPath)))
        {
            var heading = section.Key.HeadingPath.Split(" › ")[^1];
            if (Usable(heading))
                byKind[PseudoQuestionKind.Heading].Add(Make(PseudoQuestionKind.Heading, heading, section.ToList(), c => c with
                {
                    HeadingPath = string.Join(" › ", c.HeadingPath.Split(" › ")[..^1]),
                    Text = Without(c.Text, heading),
                }));
        }
        // Documents that share a title (the passages of one article) are one source: the title is cut from all of them.
        foreach (var titled in chunks.Where(c => Usable(c.DocumentTitle)).GroupBy(c => c.DocumentTitle.Trim(), StringComparer.OrdinalIgnoreCase))
            byKind[PseudoQuestionKind.Title].Add(Make(PseudoQuestionKind.Title, titled.Key, titled.ToList(), c => c with { DocumentTitle = "", Text = Without(c.Text, titled.Key) }));

        // Round-robin over the kinds, each shuffled with the seed, no question twice.
        var random = new Random(seed);
        var queues = byKind.Values.Select(list => new Queue<PseudoQuestion>(list.OrderBy(_ => random.Next()))).ToList();
        var picked = new List<PseudoQuestion>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (picked.Count < max && queues.Any(q => q.Count > 0))
        {
            foreach (var queue in queues)
            {
                while (queue.Count > 0)
                {
                    var next = queue.Dequeue();
                    if (!seen.Add(next.Question)) continue;
                    picked.Add(next);
                    break;
                }
                if (picked.Count >= max) break;
            }
        }
        return picked;
    }

    /// <summary>
    /// One sentence from each of a seeded sample of chunks, cut out of its chunk (which keeps its title and headings): a
    /// question worded as the content is worded, for content without FAQ entries, headings or titles to cut from.
    /// </summary>
    public static IReadOnlyList<PseudoQuestion> Sentences(IReadOnlyList<ChunkPayload> chunks, int max, int seed = 11)
    {
        var random = new Random(seed);
        var picked = new List<PseudoQuestion>();
        foreach (var chunk in chunks.Where(c => c.Kind is ChunkKind.Text or ChunkKind.QuestionAnswer).OrderBy(_ => random.Next()))
        {
            var sentences = Core.Text.Sentences.Split(chunk.Text).ToList();
            if (sentences.Count < 2) continue;
            var sentence = sentences[random.Next(sentences.Count)];
            if (Terms.Of(sentence).Distinct().Count() < 4 || !Usable(sentence)) continue;
            picked.Add(Make(PseudoQuestionKind.Sentence, sentence, [chunk], c => c with { Text = c.Text.Replace(sentence, " ", StringComparison.Ordinal) }));
            if (picked.Count >= max) break;
        }
        return picked;
    }

    /// <summary>
    /// Whether a title or heading is worded as a question: it ends with a question mark (Latin, full-width or Arabic) or
    /// opens with ¿, or opens with an English question word or auxiliary ("How to pair the remote", "Is the vaccine
    /// safe"). Other languages are recognised by their question mark only.
    /// </summary>
    public static bool IsWordedAsQuestion(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return false;
        if (trimmed[^1] is '?' or '？' or '؟' || trimmed[0] == '¿') return true;
        var first = trimmed.Split([' ', '\t', ',', '\'', '’'], 2)[0]; // "What's", "How’s": the word before the apostrophe
        return QuestionWords.Contains(first);
    }

    private static readonly HashSet<string> QuestionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "what", "how", "why", "when", "where", "who", "whom", "whose", "which",
        "is", "are", "can", "could", "should", "do", "does", "did", "will", "would", "has", "have",
    };

    private static PseudoQuestion Make(PseudoQuestionKind kind, string question, IReadOnlyList<ChunkPayload> sources, Func<ChunkPayload, ChunkPayload> mask) =>
        new(kind, question.Trim(), sources, sources.Select(mask).ToList());

    /// <summary>"Q: …\nA: …": the question, and the chunk with only its answer.</summary>
    private static PseudoQuestion? Faq(ChunkPayload chunk)
    {
        var answerAt = chunk.Text.IndexOf("\nA: ", StringComparison.Ordinal);
        if (!chunk.Text.StartsWith("Q: ", StringComparison.Ordinal) || answerAt < 0) return null;
        var question = chunk.Text[3..answerAt].Trim();
        return Usable(question) ? Make(PseudoQuestionKind.Faq, question, [chunk], c => c with { Text = Without(c.Text[(answerAt + 1)..], question) }) : null;
    }

    /// <summary>Each data row of a Markdown table chunk: its first cell, with the table's subject (heading or title) to make it a question.</summary>
    private static IEnumerable<PseudoQuestion> Rows(ChunkPayload chunk)
    {
        var lines = chunk.Text.Split('\n');
        var rows = lines.Select((l, i) => (Line: l, Index: i)).Where(l => l.Line.StartsWith('|')).Skip(2);
        var subject = chunk.HeadingPath.Length > 0 ? chunk.HeadingPath.Split(" › ")[^1] : chunk.DocumentTitle;
        foreach (var (line, index) in rows)
        {
            var cells = line.Trim().Trim('|').Split('|');
            var key = cells[0].Trim();
            var question = $"{key} {subject}".Trim();
            if (key.Length == 0 || !Usable(question)) continue;
            cells[0] = " ";
            var masked = lines.ToArray();
            masked[index] = "|" + string.Join('|', cells) + "|";
            yield return Make(PseudoQuestionKind.TableRow, question, [chunk], c => c with { Text = string.Join('\n', masked) });
        }
    }

    private static bool Usable(string text) =>
        Terms.Of(text).Distinct().Count() >= MinTerms && text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= MaxWords;

    /// <summary>The text with every occurrence of the phrase taken out.</summary>
    private static string Without(string text, string phrase) =>
        phrase.Length == 0 ? text : text.Replace(phrase, " ", StringComparison.OrdinalIgnoreCase);
}
