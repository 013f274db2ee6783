namespace KnowledgePlatform.Core.Policies;

/// <summary>A tenant's additions to its template. Anything left null keeps the template's value.</summary>
public sealed record PolicyOverrides(
    IReadOnlyList<string>? Redact = null,
    IReadOnlyList<string>? BlockedTopics = null,
    string? BlockedTopicAnswer = null,
    bool? CitationRequired = null,
    string? Disclaimer = null,
    int? MaxAnswerChars = null,
    int? RetentionDays = null,
    bool? NeutraliseEmbeddedInstructions = null);
