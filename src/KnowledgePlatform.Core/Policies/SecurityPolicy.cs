namespace KnowledgePlatform.Core.Policies;

/// <summary>
/// The rules a tenant's content and answers follow on every channel. Templates are defined once and
/// attached to tenants; a tenant may tighten an attached template, never loosen it (<see cref="Tighten"/>).
/// </summary>
public sealed record SecurityPolicy
{
    public required string Name { get; init; }

    /// <summary>Redaction rules (by name, see <see cref="RedactionRules"/>) applied at ingestion and in answers.</summary>
    public IReadOnlyList<string> Redact { get; init; } = [];

    /// <summary>Topics refused outright; a question mentioning one gets <see cref="BlockedTopicAnswer"/>.</summary>
    public IReadOnlyList<string> BlockedTopics { get; init; } = [];

    public string BlockedTopicAnswer { get; init; } = "I can't help with that topic here.";

    /// <summary>Strict mode: an answer without citations is refused as "not found in the knowledge base".</summary>
    public bool CitationRequired { get; init; }

    /// <summary>Appended to every answer.</summary>
    public string? Disclaimer { get; init; }

    /// <summary>Longest answer in characters (the disclaimer not counted).</summary>
    public int MaxAnswerChars { get; init; } = 4000;

    /// <summary>Days conversations and audit records are kept.</summary>
    public int RetentionDays { get; init; } = 365;

    /// <summary>Retrieved text is fenced as data and instructions inside it are never followed.</summary>
    public bool NeutraliseEmbeddedInstructions { get; init; } = true;

    /// <summary>
    /// This policy made stricter by <paramref name="tighter"/>: redaction and blocked topics add up,
    /// booleans can only be switched on, limits can only go down, a disclaimer can only be added to.
    /// </summary>
    public SecurityPolicy Tighten(PolicyOverrides tighter) => this with
    {
        Redact = [.. Redact.Union(tighter.Redact ?? [], StringComparer.OrdinalIgnoreCase)],
        BlockedTopics = [.. BlockedTopics.Union(tighter.BlockedTopics ?? [], StringComparer.OrdinalIgnoreCase)],
        BlockedTopicAnswer = tighter.BlockedTopicAnswer ?? BlockedTopicAnswer,
        CitationRequired = CitationRequired || tighter.CitationRequired == true,
        Disclaimer = (Disclaimer, tighter.Disclaimer) switch
        {
            (null, var extra) => extra,
            (var own, null) => own,
            var (own, extra) => $"{own} {extra}",
        },
        MaxAnswerChars = Math.Min(MaxAnswerChars, tighter.MaxAnswerChars ?? int.MaxValue),
        RetentionDays = Math.Min(RetentionDays, tighter.RetentionDays ?? int.MaxValue),
        NeutraliseEmbeddedInstructions = NeutraliseEmbeddedInstructions || tighter.NeutraliseEmbeddedInstructions == true,
    };
}
