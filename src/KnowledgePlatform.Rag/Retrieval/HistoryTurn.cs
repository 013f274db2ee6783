namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>An earlier exchange of a conversation, given so a follow-up question can be understood.</summary>
public sealed record HistoryTurn(string Question, string Answer)
{
    /// <summary>What the earlier question was searched as, when it was itself a follow-up.</summary>
    public string? Standalone { get; init; }
}
