using System.ComponentModel;
using System.Globalization;
using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Server.Api.Clinical;

// The clinical decision support contract (/api/v1/evidence, /api/v1/answers). Additive changes only within v1.

/// <summary>Optional facts about the patient; they narrow retrieval and are never stored or logged.</summary>
public sealed record PatientContext(
    [property: Description("Age in whole years.")] int? AgeYears = null,
    [property: Description("female, male or another value as recorded.")] string? Sex = null,
    bool? Pregnant = null,
    [property: Description("Estimated GFR in mL/min/1.73 m².")] double? Egfr = null,
    IReadOnlyList<string>? Conditions = null,
    IReadOnlyList<string>? Medications = null,
    IReadOnlyList<string>? Allergies = null)
{
    /// <summary>The context as words appended to the search, in a fixed order (the same context gives the same search).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (AgeYears is { } age) parts.Add(string.Create(CultureInfo.InvariantCulture, $"age {age}"));
        if (!string.IsNullOrWhiteSpace(Sex)) parts.Add(Sex.Trim());
        if (Pregnant == true) parts.Add("pregnant");
        if (Egfr is { } egfr) parts.Add(string.Create(CultureInfo.InvariantCulture, $"eGFR {egfr:0.#}"));
        foreach (var (label, items) in new[] { ("conditions", Conditions), ("medications", Medications), ("allergies", Allergies) })
            if (items is { Count: > 0 }) parts.Add($"{label}: {string.Join(", ", items.Select(i => i.Trim()).Where(i => i.Length > 0))}");
        return string.Join("; ", parts);
    }

    public string? Problem() =>
        AgeYears is < 0 or > 130 ? "patient.ageYears must be between 0 and 130."
        : Egfr is < 0 or > 250 ? "patient.egfr must be between 0 and 250."
        : new[] { Conditions, Medications, Allergies }.Any(l => l is { Count: > 20 } || l?.Any(i => i is null || i.Length > 100) == true)
            ? "Up to 20 conditions, medications and allergies of at most 100 characters each."
        : null;
}

public sealed record EvidenceRequest(
    [property: Description("The clinical question.")] string Question,
    [property: Description("Knowledge base id or name; optional when the key reaches exactly one.")] string? KnowledgeBase = null,
    PatientContext? Patient = null,
    [property: Description("Passages to return, 1–20 (default: the knowledge base's setting).")] int? Top = null,
    SearchFilter? Filter = null);

public sealed record EvidenceDocument(string Id, string Title, string FileName);

/// <summary>A ranked passage of evidence: where it comes from, which version, since when it applies, and how well it matched.</summary>
public sealed record EvidencePassage(
    int Rank,
    string ChunkId,
    EvidenceDocument Document,
    [property: Description("The headings above the passage, outermost first (\" > \" between them).")] string? Section,
    int? Page,
    [property: Description("Human-readable place in the document (page, line or section).")] string Location,
    DateOnly? EffectiveDate,
    [property: Description("The document version the passage was cut from.")] int Version,
    double Score,
    string Text);

/// <summary>The knowledge base an answer came from and its content version: a fingerprint of the indexed document versions.</summary>
public sealed record KnowledgeBaseRef(string Id, string Name, string Version);

public sealed record EvidenceResponse(
    string Question,
    [property: Description("What was searched: the question with the patient context appended.")] string SearchedQuery,
    KnowledgeBaseRef KnowledgeBase,
    IReadOnlyList<EvidencePassage> Passages,
    string RequestId);

public sealed record ClinicalAnswerRequest(
    string Question,
    [property: Description("Knowledge base id or name; optional when the key reaches exactly one.")] string? KnowledgeBase = null,
    PatientContext? Patient = null,
    [property: Description("Evidence passages to answer from, 1–20.")] int? Top = null,
    SearchFilter? Filter = null);

public sealed record AnswerSentence(string Text, [property: Description("Numbers of the citations backing this sentence (at least one).")] IReadOnlyList<int> Citations);

/// <summary>How the answer was generated, so it can be reproduced and audited.</summary>
public sealed record GenerationDto(string Model, float Temperature, long Seed);

public sealed record ClinicalAnswerResponse(
    ClinicalAnswerStatus Status,
    [property: Description("The cited sentences joined, each followed by its markers; for other statuses the reason.")] string Answer,
    [property: Description("Strict mode: every sentence with its citations; sentences no citation supports are left out.")] IReadOnlyList<AnswerSentence> Sentences,
    IReadOnlyList<Citation> Citations,
    [property: Description("The tenant's disclaimer, to show with the answer.")] string? Disclaimer,
    GenerationDto Generation,
    KnowledgeBaseRef KnowledgeBase,
    string RequestId)
{
    [Description("How surely the retrieved evidence answers the question (0 to 1), as the knowledge base's evidence gate judged it before any answer was written: it answers from its threshold (GET /api/v1/knowledge-bases/{kb} → evidenceGate.threshold). Null for a refusal by policy, which retrieves nothing.")]
    public double? EvidenceConfidence { get; init; }
}
