using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>With Qdrant configured but down, the server still starts, searches answer 503 and ingestion waits.</summary>
public sealed class IndexUnavailableTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Storage:Index"] = "qdrant",
        ["Qdrant:Url"] = "http://127.0.0.1:1",
        ["Qdrant:Attempts"] = "1",
    };

    [Fact]
    public async Task A_search_answers_503_index_unavailable_with_a_reason()
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "refund" }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("index_unavailable", problem.GetProperty("code").GetString());
        Assert.Contains("Qdrant", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_waits_in_the_queue_instead_of_failing()
    {
        using var upload = await PlatformHost.UploadAsync(Admin, "support", "returns.md", ApiJourneyTests.ReturnsPolicy, Ct);
        var statusUrl = (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement document;
        do
        {
            await Task.Delay(200, Ct);
            document = await Admin.GetFromJsonAsync<JsonElement>(statusUrl, Ct);
        }
        while (document.GetProperty("error").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline);

        Assert.Equal("queued", document.GetProperty("status").GetString());
        Assert.Contains("retrying", document.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("unavailable", document.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
