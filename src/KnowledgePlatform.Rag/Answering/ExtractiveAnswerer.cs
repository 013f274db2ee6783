using System.Runtime.CompilerServices;
using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>
/// A grounded answer without a generative model: the sentences (or table rows, or FAQ answers) of the
/// retrieved chunks that best match the question, each quoted with a citation, and a plain statement
/// that no generative model is configured.
/// </summary>
public sealed class ExtractiveAnswerer : IAnswerGenerator
{
    public const string ModelName = "extractive";
    public const string NotFound = "I could not find this in the knowledge base.";
    public const string Notice = "No generative model is configured, so this answer quotes the most relevant passages of the knowledge base.";

    private const int MaxSentences = 3;

    /// <summary>Units scoring under this share of the best one add noise rather than support.</summary>
    private const double RelativeCutoff = 0.65;

    public async IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var selected = Select(request.Question, request.Evidence);
        if (selected.Count == 0)
        {
            yield return new AnswerDelta(NotFound);
            yield return new AnswerCitations([]);
            yield return new AnswerCompleted(AnswerStatus.InsufficientEvidence, ModelName);
            yield break;
        }

        var citations = new List<Citation>();
        var text = new StringBuilder();
        foreach (var (unit, evidence) in selected)
        {
            var number = citations.FindIndex(c => c.ChunkId == evidence.Chunk.ChunkId) + 1;
            if (number == 0)
            {
                number = citations.Count + 1;
                var c = evidence.Chunk;
                citations.Add(new Citation(number, c.ChunkId, c.DocumentId, c.DocumentTitle, c.FileName, c.Location, c.Page, unit.Quote, evidence.Score));
            }
            else
            {
                citations[number - 1] = citations[number - 1] with { Quote = citations[number - 1].Quote + " … " + unit.Quote };
            }
            text.Append(unit.Display).Append(" [").Append(number).Append("]\n");
        }
        text.Append('\n').Append(Notice);

        foreach (var token in Words(text.ToString()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AnswerDelta(token);
        }
        await Task.CompletedTask;
        yield return new AnswerCitations(citations);
        yield return new AnswerCompleted(AnswerStatus.Answered, ModelName);
    }

    /// <summary>A unit of evidence: what is shown in the answer, what is quoted in the citation, and the words it is matched on.</summary>
    internal sealed record Unit(string Display, string Quote, string Matched, double Score = 0);

    internal static List<(Unit Unit, RetrievedChunk Evidence)> Select(string question, IReadOnlyList<RetrievedChunk> evidence)
    {
        var terms = Terms.Of(question).ToHashSet();
        if (terms.Count == 0 || evidence.Count == 0) return [];

        // Rarer terms across the evidence say more about what the question is after.
        var units = evidence.SelectMany((e, rank) => UnitsOf(e).Select(u => (Unit: u, Evidence: e, Rank: rank))).ToList();
        var df = terms.ToDictionary(t => t, t => units.Count(u => Terms.Of(u.Unit.Matched).Contains(t)));
        var scored = units
            .Select(u =>
            {
                var unitTerms = Terms.Of(u.Unit.Matched).ToHashSet();
                var overlap = terms.Where(unitTerms.Contains).Sum(t => Math.Log(1 + (double)units.Count / (1 + df[t])));
                // Evidence order comes from retrieval: earlier chunks get a gentle boost.
                return (u.Unit, u.Evidence, Score: overlap * (1.0 + 0.5 / (1 + u.Rank)));
            })
            .Where(u => u.Score > 0)
            .OrderByDescending(u => u.Score)
            .ToList();
        if (scored.Count == 0) return [];

        var best = scored[0].Score;
        return scored
            .Where(u => u.Score >= best * RelativeCutoff)
            .DistinctBy(u => u.Unit.Quote)
            .Take(MaxSentences)
            .Select(u => (u.Unit with { Score = u.Score }, u.Evidence))
            .ToList();
    }

    private static IEnumerable<Unit> UnitsOf(RetrievedChunk evidence)
    {
        var chunk = evidence.Chunk;
        switch (chunk.Kind)
        {
            case ChunkKind.QuestionAnswer:
                // "Q: …\nA: …": the answer is the evidence; the question says what it answers.
                var answerAt = chunk.Text.IndexOf("\nA: ", StringComparison.Ordinal);
                var answer = answerAt >= 0 ? chunk.Text[(answerAt + 4)..].Trim() : chunk.Text;
                yield return new Unit(answer, chunk.Text.Replace("\n", " ", StringComparison.Ordinal), chunk.Text);
                break;
            case ChunkKind.Table:
                // A row is only meaningful with its header: quote both, show them as "Header: value" pairs.
                var lines = chunk.Text.Split('\n').Where(l => l.StartsWith('|')).ToList();
                if (lines.Count < 3) goto default;
                var header = Cells(lines[0]);
                foreach (var row in lines.Skip(2))
                {
                    var cells = Cells(row);
                    var display = string.Join("; ", header.Zip(cells).Where(p => p.Second.Length > 0).Select(p => $"{p.First}: {p.Second}"));
                    // Matched on the row alone: header words are in every row and would make all rows look alike.
                    yield return new Unit(display.TrimEnd('.') + ".", lines[0] + "\n" + row, row);
                }
                break;
            default:
                foreach (var sentence in Sentences.Split(chunk.Text))
                    yield return new Unit(sentence, sentence, sentence);
                break;
        }
    }

    private static string[] Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    /// <summary>Text cut before each space, so a finished answer streams like a model's.</summary>
    internal static IEnumerable<string> Words(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == ' ')
            {
                yield return text[start..i];
                start = i;
            }
        }
    }
}
