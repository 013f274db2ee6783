namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>Which signals a search uses: both fused (the default), or one alone (evaluation, diagnostics).</summary>
public enum RetrievalMode
{
    Hybrid,
    Dense,
    Keyword,
}
