namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// How the embedded index's vector indexes store vectors (Storage:VectorPrecision, decisions 0165 and 0169). Half
/// precision halves the vectors' memory and kept nDCG@10 and recall@10 against exact search on the four development
/// sets. Searches sweep one-byte codes of the vectors whatever this says, and rescore their best candidates on the
/// vectors stored at this precision. An index keeps the precision it was created with; <c>kp db reindex</c> rebuilds
/// it with the configured one.
/// </summary>
public enum VectorPrecision
{
    /// <summary>2 bytes per dimension (the default for new indexes).</summary>
    Float16,

    /// <summary>4 bytes per dimension (every index created before decision 0165).</summary>
    Float32,
}
