namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// How the embedded index's HNSW graphs store vectors (Storage:VectorPrecision, decision 0165). Half precision halves
/// the vectors' memory and kept nDCG@10 and recall@10 against exact search on the four development sets; USearch's
/// 8-bit kind was measured and left out (recall@10 0.914 on covidqa). An index keeps the precision it was created
/// with; <c>kp db reindex</c> rebuilds it with the configured one.
/// </summary>
public enum VectorPrecision
{
    /// <summary>2 bytes per dimension (the default for new indexes).</summary>
    Float16,

    /// <summary>4 bytes per dimension (every index created before decision 0165).</summary>
    Float32,
}
