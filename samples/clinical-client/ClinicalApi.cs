using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KnowledgePlatform.Samples.ClinicalClient;

// The client's view of the contract (see docs/api.md). Property names follow the server's camelCase JSON;
// ClinicalClientContractTests checks every property here against the server's OpenAPI document.

public sealed record PatientContext(
    int? AgeYears = null, string? Sex = null, bool? Pregnant = null, double? Egfr = null,
    IReadOnlyList<string>? Conditions = null, IReadOnlyList<string>? Medications = null, IReadOnlyList<string>? Allergies = null);

public sealed record EvidenceRequest(string Question, string? KnowledgeBase = null, PatientContext? Patient = null, int? Top = null);

public sealed record EvidenceDocument(string Id, string Title, string FileName);

public sealed record EvidencePassage(
    int Rank, string ChunkId, EvidenceDocument Document, string? Section, int? Page, string Location, DateOnly? EffectiveDate, int Version, double Score, string Text);

public sealed record KnowledgeBaseRef(string Id, string Name, string Version);

public sealed record EvidenceResponse(string Question, string SearchedQuery, KnowledgeBaseRef KnowledgeBase, IReadOnlyList<EvidencePassage> Passages, string RequestId);

public sealed record ClinicalAnswerRequest(string Question, string? KnowledgeBase = null, PatientContext? Patient = null, int? Top = null);

[JsonConverter(typeof(JsonStringEnumConverter<ClinicalAnswerStatus>))]
public enum ClinicalAnswerStatus
{
    [JsonStringEnumMemberName("answered")] Answered,
    [JsonStringEnumMemberName("insufficient_evidence")] InsufficientEvidence,
    [JsonStringEnumMemberName("refused_by_policy")] RefusedByPolicy,
}

public sealed record AnswerSentence(string Text, IReadOnlyList<int> Citations);

public sealed record Citation(int Number, string ChunkId, string DocumentId, string DocumentTitle, string FileName, string Location, int? Page, string Quote, double Score)
{
    /// <summary>The cited document's original file and the quote's place in it, for this client's own key (scope read).</summary>
    public CitationSource? Source { get; init; }
}

public sealed record CitationSource(string ContentUrl, string PassageUrl, string ViewUrl);

public sealed record GenerationDto(string Model, float Temperature, long Seed);

public sealed record ClinicalAnswerResponse(
    ClinicalAnswerStatus Status, string Answer, IReadOnlyList<AnswerSentence> Sentences, IReadOnlyList<Citation> Citations, string? Disclaimer,
    GenerationDto Generation, KnowledgeBaseRef KnowledgeBase, string RequestId, double? EvidenceConfidence = null);

/// <summary>An error as the API sends it (RFC 9457 Problem Details with a stable code).</summary>
public sealed record Problem(int? Status, string? Title, string? Detail, string? Code, string? RequestId);

public sealed class ClinicalApiException(Problem problem) : Exception($"{problem.Status} {problem.Code}: {problem.Detail} (request {problem.RequestId})")
{
    public Problem Problem { get; } = problem;
}

/// <summary>The two clinical endpoints, with an Idempotency-Key on every call so a retry after a timeout is safe.</summary>
public sealed class ClinicalApi(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ClinicalApi Create(Uri baseAddress, string apiKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return new ClinicalApi(http);
    }

    public Task<EvidenceResponse> EvidenceAsync(EvidenceRequest request, CancellationToken ct = default) =>
        PostAsync<EvidenceResponse>("api/v1/evidence", request, ct);

    public Task<ClinicalAnswerResponse> AnswerAsync(ClinicalAnswerRequest request, CancellationToken ct = default) =>
        PostAsync<ClinicalAnswerResponse>("api/v1/answers", request, ct);

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(message, ct);
        if (!response.IsSuccessStatusCode)
            throw new ClinicalApiException(await response.Content.ReadFromJsonAsync<Problem>(Json, ct) ?? new Problem((int)response.StatusCode, null, null, null, null));
        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new InvalidOperationException("The API sent an empty body.");
    }
}
