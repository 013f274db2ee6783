namespace KnowledgePlatform.Core.Domain;

public enum InboxItemKind
{
    /// <summary>Questions the knowledge base could not answer, grouped by meaning.</summary>
    Unanswered,
    /// <summary>A visitor's "not helpful" on an answer.</summary>
    Feedback,
    /// <summary>A visitor's request to talk to a person.</summary>
    Handoff,
}
