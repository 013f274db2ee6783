namespace KnowledgePlatform.Rag.Answering;

/// <summary>A checkable source of an answer: which document, where in it, and the exact words used.</summary>
public sealed record Citation(
    int Number,
    string ChunkId,
    string DocumentId,
    string DocumentTitle,
    string FileName,
    string Location,
    int? Page,
    string Quote,
    double Score)
{
    /// <summary>Where a client opens the cited document with its own credential; set by the host that serves documents.</summary>
    public CitationSource? Source { get; init; }
}

/// <summary>
/// Links to a cited document: its original file (<paramref name="ContentUrl"/>) and the cited passage's place in it
/// (<paramref name="PassageUrl"/>), both API routes for the client's own credential, and the portal's source view
/// with the quoted words highlighted (<paramref name="ViewUrl"/>), for people signed in to the portal.
/// </summary>
public sealed record CitationSource(string ContentUrl, string PassageUrl, string ViewUrl);
