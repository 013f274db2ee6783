using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The searchable index of chunks: dense vectors and full text. Implemented by the embedded store
/// (USearch + our BM25 index in SQLite) and by Qdrant. Every query carries the tenant; an implementation must
/// enforce it inside the index query, never by filtering afterwards.
/// </summary>
public interface IChunkIndex
{
    /// <summary>Makes the document's indexed chunks exactly <paramref name="chunks"/> (idempotent).</summary>
    Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken);

    Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken);

    Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken);

    /// <summary>Nearest chunks by cosine similarity; Score is the similarity (higher is closer).</summary>
    Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken);

    /// <summary>Best chunks by BM25; Score is the BM25 score (higher is better).</summary>
    Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken);

    Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The chunks of one document with ordinals from <paramref name="fromOrdinal"/> to <paramref name="toOrdinal"/>,
    /// in order, inside the filter (neighbour expansion). An index that cannot list a document's chunks
    /// says so; expansion is off unless a knowledge base asks for it.
    /// </summary>
    Task<IReadOnlyList<ChunkPayload>> GetDocumentChunksAsync(ChunkFilter filter, string documentId, int fromOrdinal, int toOrdinal, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot list a document's chunks, so neighbour expansion is not available with it.");
}

/// <summary>One knowledge base and the tenant that owns it.</summary>
public sealed record KnowledgeBaseScope(string TenantId, string KnowledgeBaseId);

/// <summary>The document-level access rule (decision 0040), in one place for every store and endpoint.</summary>
public static class AccessGroups
{
    /// <summary>
    /// Whether a caller holding <paramref name="callerGroups"/> (null: unrestricted) may see a document
    /// carrying <paramref name="documentGroups"/>: ungrouped documents are visible to all of the tenant,
    /// grouped ones to holders of at least one of their groups.
    /// </summary>
    public static bool CanSee(IReadOnlyList<string> documentGroups, IReadOnlyList<string>? callerGroups) =>
        callerGroups is null || documentGroups.Count == 0 || documentGroups.Any(callerGroups.Contains);

    /// <summary>Trimmed, distinct, validated group names; null with the reason when one is not acceptable.</summary>
    public static (List<string>? Groups, string? Problem) Clean(IEnumerable<string> groups)
    {
        var clean = groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return clean.Count > 20 || clean.Any(g => g.Length > 64 || g.Any(c => char.IsControl(c) || c == ','))
            ? (null, "Up to 20 groups of at most 64 characters each, without commas.")
            : (clean, null);
    }
}

public sealed record DocumentRef(string TenantId, string KnowledgeBaseId, string DocumentId);

/// <summary>
/// Which chunks a query may see. The tenant is mandatory; the knowledge bases must be the tenant's.
/// Every other condition is optional (null: no condition) and narrows the result further.
/// </summary>
public sealed record ChunkFilter(string TenantId, IReadOnlyList<string> KnowledgeBaseIds)
{
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>Chunks of documents tagged with at least one of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Chunks of documents whose effective date is on or after this day (undated documents do not match).</summary>
    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>Chunks of documents whose effective date is on or before this day (undated documents do not match).</summary>
    public DateOnly? EffectiveTo { get; init; }

    /// <summary>
    /// The caller's access groups (decision 0040): null sees every document (tenant admin); otherwise only
    /// chunks of ungrouped documents and of documents carrying one of these groups. Indexes apply it inside the query.
    /// </summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Knowledge bases of another tenant published read-only to this one (decision 0042), searched together with <see cref="KnowledgeBaseIds"/>.</summary>
    public IReadOnlyList<KnowledgeBaseScope>? Shared { get; init; }

    /// <summary>Every (tenant, knowledge base) pair the query may read: the tenant's own, then the shared ones.</summary>
    public IReadOnlyList<KnowledgeBaseScope> Scopes =>
        [.. KnowledgeBaseIds.Distinct().Select(kb => new KnowledgeBaseScope(TenantId, kb)), .. (Shared ?? []).Distinct()];

    /// <summary>True when the filter has a condition beyond tenant and knowledge base.</summary>
    public bool Narrows => DocumentIds is not null || Tags is not null || EffectiveFrom is not null || EffectiveTo is not null || Groups is not null;

    /// <summary>
    /// Whether a chunk passes every optional condition (tenant and knowledge base are checked by the index query).
    /// Groups belong to a tenant: on a shared knowledge base's chunks (another tenant's) only ungrouped ones pass.
    /// </summary>
    public bool Matches(ChunkPayload chunk) =>
        AccessGroups.CanSee(chunk.Groups, chunk.TenantId == TenantId ? Groups : [])
        && (DocumentIds is null || DocumentIds.Contains(chunk.DocumentId))
        && (Tags is null || chunk.Tags.Any(Tags.Contains))
        && (EffectiveFrom is null || chunk.EffectiveDate >= EffectiveFrom)
        && (EffectiveTo is null || chunk.EffectiveDate <= EffectiveTo);
}

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

public sealed record IndexedChunk(ChunkPayload Payload, ReadOnlyMemory<float> Vector)
{
    public static IndexedChunk From(Chunk c, string documentTitle, string fileName) =>
        new(ChunkPayload.From(c, documentTitle, fileName), c.Vector());

    /// <summary>A stored chunk with its document's title, file name and filterable metadata.</summary>
    public static IndexedChunk From(Chunk c, Document document) =>
        new(ChunkPayload.From(c, document.Title ?? Path.GetFileNameWithoutExtension(document.FileName), document.FileName) with
        {
            Tags = document.Tags,
            EffectiveDate = document.EffectiveDate,
            Groups = document.Groups,
        }, c.Vector());

    /// <summary>
    /// The index entries of a document's stored chunks: every place that indexes stored chunks goes through here,
    /// so a chunk a curator disabled is never indexed (decision 0052).
    /// </summary>
    public static List<IndexedChunk> Of(IEnumerable<Chunk> chunks, Document document) =>
        chunks.Where(c => !c.Disabled).Select(c => From(c, document)).ToList();
}

public sealed record ChunkHit(ChunkPayload Chunk, double Score);

/// <summary>
/// The chunk index cannot be reached (a vector database down or overloaded). Callers may retry later:
/// the API answers 503 with the reason, ingestion retries the job with backoff.
/// </summary>
public sealed class IndexUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
