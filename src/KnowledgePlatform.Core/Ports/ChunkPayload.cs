using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>A chunk with everything needed to show and cite it without another lookup.</summary>
public sealed record ChunkPayload(
    string ChunkId,
    string TenantId,
    string KnowledgeBaseId,
    string DocumentId,
    string DocumentTitle,
    string FileName,
    int Ordinal,
    string Text,
    string HeadingPath,
    int? Page,
    int? Line,
    ChunkKind Kind)
{
    public string Location => Domain.Location.Describe(Page, Line, HeadingPath);

    /// <summary>The document version the chunk was cut from.</summary>
    public int DocumentVersion { get; init; } = 1;
    /// <summary>The document's tags (filterable).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The day the document takes effect, when the curator gave one (filterable).</summary>
    public DateOnly? EffectiveDate { get; init; }

    /// <summary>The document's access groups; empty: visible to every principal of the tenant (decision 0040).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>What BM25 indexes: the document title, the headings above the chunk and its text.</summary>
    public string SearchableText => $"{DocumentTitle}\n{HeadingPath}\n{Text}";

    public static ChunkPayload From(Chunk c, string documentTitle, string fileName) =>
        new(c.Id, c.TenantId, c.KnowledgeBaseId, c.DocumentId, documentTitle, fileName, c.Ordinal, c.Text, c.HeadingPath, c.Page, c.Line, c.Kind)
        {
            DocumentVersion = c.Version,
        };
}
