using System.ComponentModel;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Server.Api;

/// <summary>Optional narrowing of a search; the tenant always comes from the API key.</summary>
public sealed record SearchFilter(
    [property: Description("Only documents tagged with at least one of these tags.")] IReadOnlyList<string>? Tags = null,
    IReadOnlyList<string>? DocumentIds = null,
    [property: Description("Only documents effective on or after this day (yyyy-MM-dd); undated documents do not match.")] DateOnly? EffectiveFrom = null,
    [property: Description("Only documents effective on or before this day (yyyy-MM-dd); undated documents do not match.")] DateOnly? EffectiveTo = null)
{
    public RetrievalRequest ApplyTo(RetrievalRequest request) => request with
    {
        Tags = Tags is { Count: > 0 } ? Tags : null,
        DocumentIds = DocumentIds is { Count: > 0 } ? DocumentIds : null,
        EffectiveFrom = EffectiveFrom,
        EffectiveTo = EffectiveTo,
    };
}

/// <summary>A search over several knowledge bases of the tenant at once (they must share an embedding model).</summary>
public sealed record MultiSearchRequest(
    string Query,
    [property: Description("Knowledge base ids or names; the first one's retrieval settings apply.")] IReadOnlyList<string> KnowledgeBases,
    int? Top = null,
    SearchFilter? Filter = null,
    RetrievalMode Mode = RetrievalMode.Hybrid);

/// <summary>A knowledge base's retrieval settings; a null field takes the server's default (the Retrieval section).</summary>
public sealed record RetrievalSettingsDto(
    FusionMethod? Fusion = null,
    [property: Description("Dense weight: 0–1 for convex fusion (BM25 gets the rest), any positive weight for RRF.")] double? DenseWeight = null,
    double? KeywordWeight = null,
    int? RrfK = null,
    NeighbourExpansion? Neighbours = null)
{
    public static RetrievalSettingsDto From(RetrievalSettings s) => new(s.Fusion, s.DenseWeight, s.KeywordWeight, s.RrfK, s.Neighbours);

    public RetrievalSettings ToSettings() => new() { Fusion = Fusion, DenseWeight = DenseWeight, KeywordWeight = KeywordWeight, RrfK = RrfK, Neighbours = Neighbours };

    public string? Problem() =>
        DenseWeight is < 0 or > 10 || KeywordWeight is < 0 or > 10 ? "Weights must be between 0 and 10."
        : Fusion == FusionMethod.Convex && DenseWeight is > 1 ? "With convex fusion the dense weight is a share between 0 and 1."
        : RrfK is < 1 or > 1000 ? "rrfK must be between 1 and 1000."
        : null;
}

/// <summary>A knowledge base's retrieval settings: what it sets, and what applies with the server's defaults filled in.</summary>
public sealed record RetrievalSettingsResponse(RetrievalSettingsDto Set, RetrievalSettingsDto Effective);

/// <summary>A document's searchable metadata; a null field is left as it is.</summary>
public sealed record DocumentMetadataRequest(
    IReadOnlyList<string>? Tags = null, DateOnly? EffectiveDate = null, bool ClearEffectiveDate = false,
    [property: Description("Access groups (decision 0040); an empty list makes the document visible to the whole tenant.")] IReadOnlyList<string>? Groups = null);

public sealed record DocumentMetadataDto(string Id, IReadOnlyList<string> Tags, DateOnly? EffectiveDate)
{
    public IReadOnlyList<string> Groups { get; init; } = [];
}
