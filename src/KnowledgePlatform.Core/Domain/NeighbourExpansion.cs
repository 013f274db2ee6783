namespace KnowledgePlatform.Core.Domain;

/// <summary>What a search hit brings along as context for the answer.</summary>
public enum NeighbourExpansion
{
    None,
    /// <summary>The chunks just before and after the hit in its document.</summary>
    Adjacent,
    /// <summary>The hit's whole section: the run of chunks around it under the same headings.</summary>
    Section,
}
