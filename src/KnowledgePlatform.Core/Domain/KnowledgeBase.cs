namespace KnowledgePlatform.Core.Domain;

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
    public RetrievalSettings SearchSettings => SearchSettingsWith(Fusion);

    /// <summary>The retrieval settings searches would use with this fusion calibration in force (null: the vertical's default).</summary>
    public RetrievalSettings SearchSettingsWith(FusionCalibration? fusion) => Retrieval.DenseWeight is not null || Retrieval.Fusion == FusionMethod.Rrf
        ? Retrieval
        : Retrieval with { DenseWeight = (fusion ?? FusionCalibration.Default(Vertical)).DenseWeight };

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
