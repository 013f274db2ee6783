using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Server.Answering;

/// <summary>
/// The links every channel's citations carry (decision 0146): the original file and the passage's place through the API,
/// for the client's own credential, and the portal's source view, where the quoted words are highlighted.
/// </summary>
public static class CitationLinks
{
    /// <summary>How much of a quote the portal link carries: enough to place it, short enough for any URL.</summary>
    private const int QuoteInUrl = 1000;

    public static Citation Attach(Citation citation) => citation with
    {
        Source = new CitationSource(ContentUrl(citation.DocumentId), PassageUrl(citation), ViewUrl(citation)),
    };

    public static IReadOnlyList<Citation> Attach(IReadOnlyList<Citation> citations) => citations.Select(Attach).ToList();

    public static string ContentUrl(string documentId) => $"/api/v1/documents/{Uri.EscapeDataString(documentId)}/content";

    public static string PassageUrl(Citation c) => $"/api/v1/documents/{Uri.EscapeDataString(c.DocumentId)}/passage?{Query(c)}";

    /// <summary>The portal's source view at the cited passage.</summary>
    public static string ViewUrl(Citation c) => ViewUrl(c.DocumentId, c.ChunkId, c.Quote);

    /// <summary>The portal's source view at a passage recorded with a conversation (the inbox, conversation review).</summary>
    public static string ViewUrl(string documentId, string chunkId, string quote) =>
        $"/portal/documents/{Uri.EscapeDataString(documentId)}/source?{Query(chunkId, quote)}";

    private static string Query(Citation c) => Query(c.ChunkId, c.Quote);

    private static string Query(string chunkId, string quote) => $"chunk={Uri.EscapeDataString(chunkId)}&quote={Uri.EscapeDataString(Shortened(quote))}";

    /// <summary>The quote's first words, cut at a word boundary: the passage endpoint places a quote by its first words too.</summary>
    private static string Shortened(string quote)
    {
        quote = quote.Trim();
        if (quote.Length <= QuoteInUrl) return quote;
        var cut = quote.LastIndexOf(' ', QuoteInUrl);
        return quote[..(cut > 0 ? cut : QuoteInUrl)];
    }
}
