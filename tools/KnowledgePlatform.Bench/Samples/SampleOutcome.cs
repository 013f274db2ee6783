namespace KnowledgePlatform.Bench.Samples;

/// <summary>What a sample question got.</summary>
public enum SampleOutcome
{
    /// <summary>Answered, and the answer says the key fact (for an unanswerable question: "not found").</summary>
    Right,

    /// <summary>Answered without the key fact (for an unanswerable question: answered at all).</summary>
    Wrong,

    /// <summary>"Not found" for a question the knowledge base answers.</summary>
    NotFound,
}
