namespace KnowledgePlatform.Core.Text;

/// <summary>A sparse vector: term indices and their values, indices ascending and distinct.</summary>
public sealed record SparseVector(uint[] Indices, float[] Values)
{
    public bool IsEmpty => Indices.Length == 0;
}
