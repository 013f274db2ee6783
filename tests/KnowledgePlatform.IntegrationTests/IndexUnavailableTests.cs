using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>With Qdrant configured but down, the server still starts, searches answer 503 and ingestion waits.</summary>
public sealed class IndexUnavailableTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _host = new PlatformHost(_data, new Dictionary<string, string>
        {
            ["Storage:Index"] = "qdrant",
            ["Qdrant:Url"] = "http://127.0.0.1:1",
            ["Qdrant:Attempts"] = "1",
        });
        _client = _host.Client(await _host.CreateTenantAsync("acme", "support", _ct));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_search_answers_503_index_unavailable_with_a_reason()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "refund" }, _ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal("index_unavailable", problem.GetProperty("code").GetString());
        Assert.Contains("Qdrant", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_waits_in_the_queue_instead_of_failing()
    {
        using var upload = await PlatformHost.UploadAsync(_client, "support", "returns.md", ApiJourneyTests.ReturnsPolicy, _ct);
        var statusUrl = (await upload.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("statusUrl").GetString()!;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement document;
        do
        {
            await Task.Delay(200, _ct);
            document = await _client.GetFromJsonAsync<JsonElement>(statusUrl, _ct);
        }
        while (document.GetProperty("error").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline);

        Assert.Equal("queued", document.GetProperty("status").GetString());
        Assert.Contains("retrying", document.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("unavailable", document.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
