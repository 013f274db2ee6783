namespace KnowledgePlatform.Core.Domain;

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
    /// <summary>Curator's labels; searches can be limited to documents with any of them.</summary>
    public List<string> Tags { get; set; } = [];
    /// <summary>The day the document takes effect (a guideline's publication, a policy's start); searches can filter on it.</summary>
    public DateOnly? EffectiveDate { get; set; }
    /// <summary>Access groups: empty means every principal of the tenant sees the document; otherwise only holders of one of them (decision 0040).</summary>
    public List<string> Groups { get; set; } = [];
    /// <summary>The latest uploaded version, counting from 1.</summary>
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
