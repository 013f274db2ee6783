using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A coherent piece of one retrieved chunk that can answer on its own: a sentence with its neighbours in the same
/// paragraph, a list item with its lead-in, a table row with its header, a FAQ entry's whole answer.
/// </summary>
/// <param name="Display">What the answer shows.</param>
/// <param name="Quote">The exact words of the chunk the citation quotes.</param>
/// <param name="Core">The words the passage is judged on (a row without its header, a sentence without its neighbours).</param>
/// <param name="Extended">The words of the whole passage (with its header, lead-in or neighbours).</param>
public sealed record Passage(string Display, string Quote, string Core, string Extended, RetrievedChunk Evidence, int Rank)
{
    /// <summary>A table row's key (its first cell): what the row is about.</summary>
    public string? Key { get; init; }
}
