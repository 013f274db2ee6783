namespace KnowledgePlatform.Rag.Answering;

/// <summary>What a policy did to one answer, for the audit log.</summary>
public sealed class PolicyActions
{
    public int Redactions { get; set; }
    public bool Truncated { get; set; }
    public string? RefusedFor { get; set; }
    public bool DisclaimerAdded { get; set; }
}
