using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Inbox;

/// <summary>Configuration section "Inbox": how unanswered questions are grouped and told apart from off-topic ones.</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>Cosine similarity of two questions' embeddings (the knowledge base's model) from which they are one group.</summary>
    [Range(0.5, 1.0, ErrorMessage = "Inbox:GroupSimilarity must be between 0.5 and 1.0.")]
    public double GroupSimilarity { get; set; } = 0.9;

    /// <summary>Below this evidence-gate confidence an unanswered question is marked off-topic: nothing in the knowledge base is near it.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Inbox:OffTopicBelow must be between 0 and 1.")]
    public double OffTopicBelow { get; set; } = 0.15;

    /// <summary>Wordings kept per group besides its question.</summary>
    [Range(0, 50)]
    public int ExamplesPerGroup { get; set; } = 8;
}
