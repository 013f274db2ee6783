using System.Text.Json;
using System.Text.Json.Serialization;

namespace KnowledgePlatform.Server.CdsHooks;

// The CDS Hooks 2.0 wire format (https://cds-hooks.hl7.org/2.0/): discovery, service calls, cards and feedback.
// Optional members are left out when empty, as the specification's schema expects.

public sealed record CdsDiscoveryResponse(IReadOnlyList<CdsServiceDescriptor> Services);

public sealed record CdsServiceDescriptor(
    string Hook,
    string Title,
    string Description,
    string Id,
    IReadOnlyDictionary<string, string> Prefetch)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UsageRequirements { get; init; }
}

/// <summary>A service call. The context and the prefetched resources stay JSON: they are FHIR, read with Firely where needed.</summary>
public sealed record CdsRequest(
    string? Hook,
    string? HookInstance,
    string? FhirServer,
    FhirAuthorization? FhirAuthorization,
    JsonElement Context,
    IReadOnlyDictionary<string, JsonElement>? Prefetch);

public sealed record FhirAuthorization(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("subject")] string? Subject);

public sealed record CdsResponse(IReadOnlyList<CdsCard> Cards);

public sealed record CdsCard(string Uuid, string Summary, string Detail, CardIndicator Indicator, CardSource Source)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CardLink>? Links { get; init; }
}

public sealed record CardSource(string Label)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CdsCoding? Topic { get; init; }
}

public sealed record CardLink(string Label, string Url, string Type);

public sealed record CdsCoding(string? System, string? Code, string? Display);

public sealed record CdsFeedbackRequest(IReadOnlyList<CdsFeedbackItem>? Feedback);

public sealed record CdsFeedbackItem(
    string? Card,
    string? Outcome,
    IReadOnlyList<AcceptedSuggestion>? AcceptedSuggestions,
    OverrideReason? OverrideReason,
    DateTimeOffset? OutcomeTimestamp);

public sealed record AcceptedSuggestion(string? Id);

public sealed record OverrideReason(CdsCoding? Reason, string? UserComment);
