using System.Runtime.CompilerServices;
using System.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A grounded answer without a generative model: the passage (or two) of the evidence that answers the question asked
/// (<see cref="PassageSelector"/>), quoted with a citation. It never writes a sentence that is not in the evidence.
/// That no generative model wrote it is said by the answer's model ("extractive"), for the channels to show or not.
/// </summary>
public sealed class ExtractiveAnswerer : IAnswerGenerator
{
    public const string ModelName = "extractive";
    public const string NotFound = "I could not find this in the knowledge base.";

    /// <summary>What curators and API clients are told about an extractive answer (visitors of the widget are not).</summary>
    public const string Notice = "No generative model is configured, so this answer quotes the most relevant passages of the knowledge base.";

    public async IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var selected = PassageSelector.Select(request.Question, request.Evidence);
        if (selected.Count == 0)
        {
            yield return new AnswerDelta(NotFound);
            yield return new AnswerCitations([]);
            yield return new AnswerCompleted(AnswerStatus.InsufficientEvidence, ModelName);
            yield break;
        }

        var citations = new List<Citation>();
        var text = new StringBuilder();
        var written = new HashSet<(string, int)>();
        foreach (var passage in selected)
        {
            var c = passage.Evidence.Chunk;
            var number = citations.FindIndex(x => x.ChunkId == c.ChunkId) + 1;
            if (number == 0)
            {
                number = citations.Count + 1;
                citations.Add(new Citation(number, c.ChunkId, c.DocumentId, c.DocumentTitle, c.FileName, c.Location, c.Page, passage.Quote, passage.Evidence.Score));
            }
            else
            {
                citations[number - 1] = citations[number - 1] with { Quote = citations[number - 1].Quote + " … " + passage.Quote };
            }
            // Every line carries its citation, so a strict channel that keeps only cited sentences keeps a list whole. A line
            // two passages share (the heading over two items of one list) is written once.
            foreach (var line in passage.Display.Split('\n'))
            {
                if (!written.Add((line, number))) continue;
                if (text.Length > 0) text.Append('\n');
                text.Append(line).Append(" [").Append(number).Append(']');
            }
        }

        foreach (var token in Words(text.ToString()))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AnswerDelta(token);
        }
        await Task.CompletedTask;
        yield return new AnswerCitations(citations);
        yield return new AnswerCompleted(AnswerStatus.Answered, ModelName);
    }

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
