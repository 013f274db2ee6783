namespace KnowledgePlatform.Core.Domain;

/// <summary>An organisation whose data is isolated from every other tenant's.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    /// <summary>The attached policy template (see <see cref="Policies.PolicyTemplates"/>); null means the default policy.</summary>
    public string? PolicyTemplate { get; set; }
    /// <summary>The tenant's tightening of its template.</summary>
    public Policies.PolicyOverrides? PolicyOverrides { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>When a platform admin suspended the tenant; null while it is active. A suspended tenant's keys, tokens and users are refused.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>Why the tenant is suspended, shown to its refused callers.</summary>
    public string? SuspensionReason { get; set; }

    /// <summary>The policy in force: the template, tightened by the tenant's overrides.</summary>
    public Policies.SecurityPolicy EffectivePolicy() =>
        (Policies.PolicyTemplates.Find(PolicyTemplate) ?? Policies.PolicyTemplates.Default).Tighten(PolicyOverrides ?? new());
}

/// <summary>A credential that belongs to one tenant. Only the SHA-256 hash of the secret is stored.</summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, shown to people to tell keys apart.</summary>
    public required string Prefix { get; init; }
    public required string Hash { get; init; }
    /// <summary>What the key may do; see <see cref="ApiScopes"/>.</summary>
    public IReadOnlyList<string> Scopes { get; set; } = ApiScopes.All;
    /// <summary>When set, the only knowledge bases (ids) the key can reach; others answer 404.</summary>
    public IReadOnlyList<string>? KnowledgeBaseIds { get; set; }
    /// <summary>Server keys are secret; widget keys are public, so they only ask, only on named knowledge bases, only from <see cref="AllowedOrigins"/>.</summary>
    public ApiKeyKind Kind { get; set; } = ApiKeyKind.Server;
    /// <summary>The access groups the key holds (claim kp:group); documents carrying groups are visible only to holders of one of them.</summary>
    public IReadOnlyList<string>? Groups { get; set; }
    /// <summary>For widget keys: the web origins (scheme://host[:port]) pages using the key may be served from.</summary>
    public IReadOnlyList<string>? AllowedOrigins { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

public enum ApiKeyKind
{
    Server,
    Widget,
}

/// <summary>The scopes of API keys: read (list, search), ask, ingest (upload, delete documents), admin (everything else).</summary>
public static class ApiScopes
{
    public const string Read = "read";
    public const string Ask = "ask";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    /// <summary>
    /// Platform administration (publishing shared knowledge bases to tenants). Only keys of the platform
    /// tenant (Platform:TenantId) carry it; a tenant cannot grant it (it is not in <see cref="All"/>). Decision 0042.
    /// </summary>
    public const string Platform = "platform";

    public static IReadOnlyList<string> All { get; } = [Read, Ask, Ingest, Admin];
}

/// <summary>An append-only record of who did what through which channel, with content redacted per policy.</summary>
public sealed class AuditRecord
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>The key (or user) that acted.</summary>
    public required string Actor { get; init; }
    /// <summary>api, widget, portal, cli.</summary>
    public required string Channel { get; init; }
    /// <summary>For example ask, search, document.upload, document.delete, key.create, policy.update.</summary>
    public required string Action { get; init; }
    /// <summary>The id the action was about (knowledge base, document, key).</summary>
    public string? Subject { get; init; }
    /// <summary>Redacted question, cited chunk ids, policy actions taken: JSON.</summary>
    public string? Detail { get; init; }
}

public enum Vertical
{
    General,
    Medical,
    CustomerService,
}

/// <summary>A curated collection of documents that questions are answered from.</summary>
public sealed class KnowledgeBase
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public Vertical Vertical { get; set; } = Vertical.General;
    /// <summary>
    /// A strict knowledge base checks a model's whole answer before showing it and refuses it ("not found in the
    /// knowledge base") when any sentence is uncited or unsupported by what it cites; others stream the cited,
    /// supported sentences and drop the rest. Medical ones are strict by default.
    /// </summary>
    public bool Strict { get; set; }
    /// <summary>The embedding model the chunks of this knowledge base were embedded with.</summary>
    public required string EmbeddingModel { get; init; }
    public required int EmbeddingDimension { get; init; }
    public ChunkingSettings Chunking { get; set; } = ChunkingSettings.For(Vertical.General);
    /// <summary>How questions are searched in this knowledge base; unset fields take the configured defaults.</summary>
    public RetrievalSettings Retrieval { get; set; } = new();
    /// <summary>
    /// This knowledge base's tightening of the tenant's policy (decision 0054): more redaction, more blocked
    /// topics, a disclaimer, citations required, a shorter answer. Retention stays the tenant's.
    /// </summary>
    public Policies.PolicyOverrides? PolicyOverrides { get; set; }
    /// <summary>The knowledge base's own evidence gate, fitted from its content (null until it has enough: the vertical's default applies).</summary>
    public EvidenceGateCalibration? EvidenceGate { get; set; }
    /// <summary>The knowledge base's own fusion weight, fitted from its content (null until the first calibration: the vertical's default applies).</summary>
    public FusionCalibration? Fusion { get; set; }

    /// <summary>
    /// The retrieval settings searches use: <see cref="Retrieval"/>, with the dense weight of convex fusion taken from the
    /// knowledge base's own calibration, or its vertical's default, when no curator has set one (decision 0120).
    /// </summary>
    public RetrievalSettings SearchSettings => Retrieval.DenseWeight is not null || Retrieval.Fusion == FusionMethod.Rrf
        ? Retrieval
        : Retrieval with { DenseWeight = (Fusion ?? FusionCalibration.Default(Vertical)).DenseWeight };

    /// <summary>Tesseract language packs for scanned pages, joined by '+' ("eng+deu"); null: the server's default (Ocr:Languages).</summary>
    public string? OcrLanguages { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>
    /// Counts the changes to what is searchable (a document version made live, a document deleted, a chunk edited, disabled,
    /// enabled or removed, metadata changed, embeddings replaced); part of the knowledge base's content version (decision 0093).
    /// </summary>
    public long ContentRevision { get; set; }

    /// <summary>The policy in force for this knowledge base: the tenant's, tightened by its own overrides.</summary>
    public Policies.SecurityPolicy Policy(Policies.SecurityPolicy tenantPolicy) =>
        PolicyOverrides is null ? tenantPolicy : tenantPolicy.Tighten(PolicyOverrides with { RetentionDays = null });

    /// <summary>A new knowledge base embedded with <paramref name="model"/>, chunked with the vertical's defaults.</summary>
    public static KnowledgeBase Create(string tenantId, string name, Vertical vertical, Ports.EmbeddingModelCard model, string? description = null) => new()
    {
        Id = Ids.New("kb"),
        TenantId = tenantId,
        Name = name,
        Description = description,
        Vertical = vertical,
        Strict = vertical == Vertical.Medical,
        EmbeddingModel = model.Name,
        EmbeddingDimension = model.Dimension,
        Chunking = ChunkingSettings.For(vertical),
    };
}

/// <summary>How documents are cut into chunks; sizes are in embedding-model tokens.</summary>
public sealed record ChunkingSettings(int MaxTokens, int OverlapTokens)
{
    public static ChunkingSettings For(Vertical vertical) => vertical switch
    {
        // Guidelines are dense: smaller chunks keep one recommendation per chunk.
        Vertical.Medical => new(MaxTokens: 256, OverlapTokens: 32),
        // Support content is short Q&A and steps: keep a whole procedure together.
        Vertical.CustomerService => new(MaxTokens: 320, OverlapTokens: 24),
        _ => new(MaxTokens: 300, OverlapTokens: 30),
    };
}

/// <summary>How dense and BM25 results are combined.</summary>
public enum FusionMethod
{
    /// <summary>Weighted reciprocal rank fusion: Σ weight / (k + rank). Uses ranks only.</summary>
    Rrf,
    /// <summary>
    /// Convex combination of normalised scores: w·dense + (1 − w)·bm25, each signal min-max normalised
    /// over its own top 20. Uses how far ahead a candidate is, not just its rank.
    /// </summary>
    Convex,
}

/// <summary>What a search hit brings along as context for the answer.</summary>
public enum NeighbourExpansion
{
    None,
    /// <summary>The chunks just before and after the hit in its document.</summary>
    Adjacent,
    /// <summary>The hit's whole section: the run of chunks around it under the same headings.</summary>
    Section,
}

/// <summary>
/// A knowledge base's retrieval settings. A null field takes the configured default (the Retrieval
/// section), so a knowledge base only records what a curator or a fitted evaluation changed.
/// </summary>
public sealed record RetrievalSettings
{
    public FusionMethod? Fusion { get; init; }
    /// <summary>Weight of the dense signal; with convex fusion the keyword signal gets the rest of 1.</summary>
    public double? DenseWeight { get; init; }
    /// <summary>Weight of the BM25 signal in reciprocal rank fusion.</summary>
    public double? KeywordWeight { get; init; }
    /// <summary>The k of reciprocal rank fusion.</summary>
    public int? RrfK { get; init; }
    public NeighbourExpansion? Neighbours { get; init; }
}

public enum DocumentStatus
{
    Queued,
    Processing,
    Ready,
    Failed,
}

/// <summary>An uploaded file and where it is in the ingestion pipeline.</summary>
public sealed class Document
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    /// <summary>The source name; uploading a file with the same name to the same knowledge base makes a new version.</summary>
    public required string FileName { get; init; }
    public required string Format { get; set; }
    public required long SizeBytes { get; set; }
    /// <summary>SHA-256 of the latest version's bytes: identical content is not ingested again.</summary>
    public required string ContentHash { get; set; }
    /// <summary>Key of the latest version's file in the file store.</summary>
    public required string StorageKey { get; set; }
    public string? Title { get; set; }
    /// <summary>The latest uploaded version, counting from 1.</summary>
    /// <summary>Curator's labels; searches can be limited to documents with any of them.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>The day the document takes effect (a guideline's publication, a policy's start); searches can filter on it.</summary>
    public DateOnly? EffectiveDate { get; set; }
    /// <summary>Access groups: empty means every principal of the tenant sees the document; otherwise only holders of one of them (decision 0040).</summary>
    public List<string> Groups { get; set; } = [];
    public int Version { get; set; } = 1;
    /// <summary>The version whose chunks searches see; null until a version is indexed.</summary>
    public int? IndexedVersion { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Queued;
    /// <summary>The pipeline step running or last run.</summary>
    public string? Step { get; set; }
    public int ProgressPercent { get; set; }
    public int ChunkCount { get; set; }
    /// <summary>Why ingestion failed, in words a curator understands.</summary>
    public string? Error { get; set; }
    /// <summary>The source the document is kept in sync with (decision 0080); null for uploads.</summary>
    public string? SourceId { get; set; }
    /// <summary>Set when pages of the latest version were read by OCR: how many, and how sure the recogniser was.</summary>
    public TextRecognition? Recognition { get; set; }
    /// <summary>Who uploaded the latest version (the audit log's actor: a key id, "user:…", "oidc:…"); null for a source's sync.</summary>
    public string? UploadedBy { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>Pages read by optical character recognition (decision 0081), with the mean word confidence (0-100).</summary>
public sealed record TextRecognition(string Engine, string Languages, int Pages, double Confidence);

/// <summary>A retrievable piece of a document: the unit that is embedded, indexed and cited.</summary>
public sealed class Chunk
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public required string DocumentId { get; init; }
    /// <summary>The document version this chunk was cut from.</summary>
    public required int Version { get; init; }
    public required int Ordinal { get; init; }
    public required string Text { get; init; }
    /// <summary>Headings above the chunk, outermost first, joined by " › ".</summary>
    public string HeadingPath { get; init; } = "";
    public int? Page { get; init; }
    public int? Line { get; init; }
    public ChunkKind Kind { get; init; } = ChunkKind.Text;
    public int TokenCount { get; init; }
    /// <summary>The embedding as little-endian float32s, so indexes can be rebuilt without re-embedding.</summary>
    public byte[] Embedding { get; init; } = [];
    /// <summary>
    /// A curator took the chunk out of retrieval: it keeps its text and embedding but is never indexed.
    /// A later version's chunk with the same text starts disabled too (decision 0052).
    /// </summary>
    public bool Disabled { get; set; }
    /// <summary>When a curator last corrected the chunk's text; null: the text is as ingestion cut it.</summary>
    public DateTimeOffset? EditedAt { get; set; }

    public float[] Vector() => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Embedding).ToArray();

    public static byte[] ToBytes(ReadOnlySpan<float> vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector).ToArray();
}

public enum ChunkKind
{
    Text,
    Table,
    QuestionAnswer,
}

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>Durable work item: one document to take through the ingestion steps.</summary>
public sealed class IngestionJob
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string DocumentId { get; init; }
    /// <summary>The document version this job ingests.</summary>
    public required int DocumentVersion { get; init; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    public int Attempts { get; set; }
    /// <summary>The last step that finished; a resumed job starts after it.</summary>
    public string? CompletedStep { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.UtcNow;
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A multi-turn exchange with one knowledge base; follow-up questions are read in its light.</summary>
public sealed class Conversation
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    /// <summary>The channel the conversation came through (widget, api, clinical…); set on its first answer.</summary>
    public string? Channel { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Last turn; conversations idle longer than the retention period are deleted.</summary>
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>One question and its answer in a conversation.</summary>
public sealed class ConversationTurn
{
    public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string TenantId { get; init; }
    public required int Ordinal { get; init; }
    public required string Question { get; init; }
    /// <summary>The question rewritten to stand on its own (what retrieval searched for).</summary>
    public required string StandaloneQuestion { get; init; }
    public required string Answer { get; init; }
    public required string Status { get; init; }
    /// <summary>The answer's citations as JSON (number, document, title, location, page, quote), for review.</summary>
    public string? Citations { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
