using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Cli.Packages;

namespace KnowledgePlatform.Cli.Sources;

/// <summary>The source endpoints of the server, for the commands.</summary>
internal sealed class SourceApi(HttpClient http) : IDisposable
{
    public static SourceApi Open(CommonSettings settings) => new(PackageTransfer.Client(settings));

    public async Task<JsonElement> SendAsync(HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await PackageTransfer.FailureAsync(response, ct);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent ? default : await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    public Task<JsonElement> GetAsync(string url, CancellationToken ct) => SendAsync(HttpMethod.Get, url, null, ct);

    public static string Id(string value) => Uri.EscapeDataString(value);

    public void Dispose() => http.Dispose();
}
