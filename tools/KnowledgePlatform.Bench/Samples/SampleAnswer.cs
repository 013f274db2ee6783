namespace KnowledgePlatform.Bench.Samples;

/// <summary>What a sample question got, and whether it says the key fact.</summary>
/// <param name="Status">The answer's status: answered, insufficient_evidence or refused_by_policy.</param>
public sealed record SampleAnswer(SampleQuestion Question, string Status, string Answer, SampleOutcome Outcome)
{
    public static SampleOutcome Judge(SampleQuestion question, string status, string answer) => question.MustSay switch
    {
        null => status == "insufficient_evidence" ? SampleOutcome.Right : SampleOutcome.Wrong,
        _ when status != "answered" => SampleOutcome.NotFound,
        var fact => answer.Contains(fact, StringComparison.OrdinalIgnoreCase) ? SampleOutcome.Right : SampleOutcome.Wrong,
    };
}
