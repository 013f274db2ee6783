namespace KnowledgePlatform.Bench.Samples;

/// <summary>How a question of samples/questions.md stands there.</summary>
public enum SampleWording
{
    /// <summary>The question as the table of its knowledge base writes it.</summary>
    Written,

    /// <summary>Another wording of a written question, judged by that question's key fact.</summary>
    AskedDifferently,

    /// <summary>A question the knowledge base cannot answer: its answer must be "not found".</summary>
    Unanswerable,

    /// <summary>A held-out question, judged by its own key fact: no rule of the answerer was fitted to it.</summary>
    HeldOut,

    /// <summary>A held-out question the knowledge base cannot answer.</summary>
    HeldOutUnanswerable,
}

/// <param name="Number">The number of the written question it is or rewords (0 for an unanswerable one).</param>
/// <param name="MustSay">The words of the key fact the answer must say; null for an unanswerable question.</param>
public sealed record SampleQuestion(string KnowledgeBase, string Text, string? MustSay, SampleWording Wording, int Number);

/// <summary>The questions of samples/questions.md, read from its tables: the demo tests, <c>kp-bench samples</c> and the load bench ask them.</summary>
public static class SampleQuestions
{
    public const string Medical = "medical";
    public const string CustomerService = "customer-service";

    public static IReadOnlyList<SampleQuestion> Read(string samplesFolder)
    {
        var questions = new List<SampleQuestion>();
        (SampleWording Wording, string? Kb)? section = null;
        foreach (var line in File.ReadLines(Path.Combine(samplesFolder, "questions.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) section = Section(line);
            if (section is not { } s || !line.StartsWith("| ", StringComparison.Ordinal)) continue;
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] is "#" or "Knowledge base" || cells[0].StartsWith("---", StringComparison.Ordinal)) continue;
            questions.Add(s.Wording switch
            {
                SampleWording.Written => new SampleQuestion(s.Kb!, cells[1], cells[^1], SampleWording.Written, int.Parse(cells[0])),
                SampleWording.Unanswerable => new SampleQuestion(cells[0], cells[1], null, SampleWording.Unanswerable, 0),
                SampleWording.HeldOut => cells[^1] is "–" or "-"
                    ? new SampleQuestion(cells[0], cells[1], null, SampleWording.HeldOutUnanswerable, 0)
                    : new SampleQuestion(cells[0], cells[1], cells[^1], SampleWording.HeldOut, 0),
                _ => Reworded(cells[0], int.Parse(cells[1]), cells[2], questions),
            });
        }
        return questions;
    }

    private static (SampleWording, string?)? Section(string heading) => heading switch
    {
        _ when heading.StartsWith("## Medical", StringComparison.Ordinal) => (SampleWording.Written, Medical),
        _ when heading.StartsWith("## Customer service", StringComparison.Ordinal) => (SampleWording.Written, CustomerService),
        _ when heading.Contains("cannot answer", StringComparison.Ordinal) => (SampleWording.Unanswerable, null),
        _ when heading.Contains("asked differently", StringComparison.Ordinal) => (SampleWording.AskedDifferently, null),
        _ when heading.StartsWith("## Held-out", StringComparison.Ordinal) => (SampleWording.HeldOut, null),
        _ => null,
    };

    private static SampleQuestion Reworded(string kb, int number, string text, IReadOnlyList<SampleQuestion> earlier) =>
        earlier.FirstOrDefault(q => q.Wording == SampleWording.Written && q.KnowledgeBase == kb && q.Number == number) is { } written
            ? new SampleQuestion(kb, text, written.MustSay, SampleWording.AskedDifferently, number)
            : throw new InvalidDataException($"questions.md rewords question {number} of {kb}, which its table does not have.");
}
