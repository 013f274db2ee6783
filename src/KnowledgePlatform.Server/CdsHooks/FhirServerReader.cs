using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Reads what the EHR did not prefetch from its own FHIR server (the request's <c>fhirServer</c>), with the access token
/// it passed (<c>fhirAuthorization</c>) and a time limit (CdsHooks:FhirTimeout): a slow or failing server costs the card
/// that needed the data, never the whole response. The token is sent on this request only and never stored.
/// </summary>
public sealed class FhirServerReader(IHttpClientFactory clients, IOptions<CdsHooksOptions> options, ILogger<FhirServerReader> logger)
{
    public const string ClientName = "cds-hooks-fhir";

    /// <summary>The resource or search Bundle at the relative URL, or null (and why) when it could not be read in time.</summary>
    public async Task<(JsonElement? Resource, string? Failure)> ReadAsync(string fhirServer, FhirAuthorization authorization, string relativeUrl, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.FhirTimeout);
        var url = new Uri(new Uri(fhirServer.TrimEnd('/') + "/"), relativeUrl);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", authorization.AccessToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return (null, $"{relativeUrl}: the FHIR server answered {(int)response.StatusCode}");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: timeout.Token);
            return (json.RootElement.Clone(), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("FHIR read from {Server} timed out after {Timeout}", url.GetLeftPart(UriPartial.Authority), options.Value.FhirTimeout);
            return (null, $"{relativeUrl}: the FHIR server did not answer within {options.Value.FhirTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            logger.LogWarning("FHIR read from {Server} failed: {Error}", url.GetLeftPart(UriPartial.Authority), ex.Message);
            return (null, $"{relativeUrl}: the FHIR server could not be read");
        }
    }
}
