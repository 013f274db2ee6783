using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Upload → ingest → search → grounded answer, over real HTTP, on each metadata database.</summary>
public abstract class ApiJourneyTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : ApiJourneyTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : ApiJourneyTests(platform), IClassFixture<PostgresPlatform>;

    public const string ReturnsPolicy = """
        # Returns and refunds

        ## Return window
        You can return any Northwind Home product within 45 days of delivery for a full refund.
        Items must be in their original packaging with all accessories.

        ## Refund timing
        Refunds are issued to the original payment method within 7 business days after we receive the item.

        ## Non-returnable items
        Opened filters and replacement brushes cannot be returned for hygiene reasons.
        """;

    public const string ThermostatGuide = """
        # Thermo installation guide

        ## Wiring
        Turn off power at the breaker before removing the old thermostat.
        Connect the C wire to the terminal marked C; the Thermo needs constant power.

        ## Pairing
        Hold the dial for 10 seconds until the ring blinks blue, then open the app and choose Add device.
        """;

    private async Task<JsonElement> IngestAsync(string fileName, string content)
    {
        using var upload = await PlatformHost.UploadAsync(Admin, "support", fileName, content, Ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(accepted.GetProperty("statusUrl").GetString(), upload.Headers.Location?.OriginalString);
        var document = await PlatformHost.WaitForIngestionAsync(Admin, accepted.GetProperty("statusUrl").GetString()!, Ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());
        return document;
    }

    [Fact]
    public async Task An_uploaded_document_is_ingested_and_the_answer_cites_it()
    {
        await IngestAsync("thermostat-install.md", ThermostatGuide);
        var returns = await IngestAsync("returns-policy.md", ReturnsPolicy);
        Assert.True(returns.GetProperty("chunkCount").GetInt32() >= 1);
        Assert.Equal("Returns and refunds", returns.GetProperty("title").GetString());

        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How many days do I have to return a product?" }, Ct);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal("answered", answer.GetProperty("status").GetString());
        Assert.Contains("45 days", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citation = answer.GetProperty("citations")[0];
        Assert.Equal("returns-policy.md", citation.GetProperty("fileName").GetString());
        Assert.Equal(returns.GetProperty("id").GetString(), citation.GetProperty("documentId").GetString());
        Assert.Contains("Return window", citation.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Contains("45 days", citation.GetProperty("quote").GetString(), StringComparison.Ordinal);
        // The evidence gate's confidence comes with the answer, at or above the knowledge base's threshold.
        Assert.InRange(answer.GetProperty("evidenceConfidence").GetDouble(), await GateThresholdAsync(), 1.0);
    }

    /// <summary>The confidence from which the knowledge base's evidence gate answers.</summary>
    private async Task<double> GateThresholdAsync() =>
        (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support", Ct)).GetProperty("evidenceGate").GetProperty("threshold").GetDouble();

    [Fact]
    public async Task Search_ranks_the_relevant_chunk_first_with_its_scores_and_location()
    {
        await IngestAsync("returns-policy.md", ReturnsPolicy);
        await IngestAsync("thermostat-install.md", ThermostatGuide);

        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "how do I pair the thermostat with the app" }, Ct);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        var top = result.GetProperty("hits")[0];
        Assert.Equal("thermostat-install.md", top.GetProperty("fileName").GetString());
        Assert.Contains("Pairing", top.GetProperty("headingPath").GetString(), StringComparison.Ordinal);
        Assert.True(top.GetProperty("score").GetDouble() > 0);
        Assert.True(top.GetProperty("denseScore").GetDouble() > 0);
    }

    [Fact]
    public async Task A_question_the_knowledge_base_cannot_answer_gets_insufficient_evidence()
    {
        await IngestAsync("returns-policy.md", ReturnsPolicy);

        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "Who won the football world cup in 1966?" }, Ct);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal("insufficient_evidence", answer.GetProperty("status").GetString());
        Assert.Empty(answer.GetProperty("citations").EnumerateArray());
        // It says why: the evidence gate's confidence, under the knowledge base's threshold.
        Assert.InRange(answer.GetProperty("evidenceConfidence").GetDouble(), 0.0, await GateThresholdAsync() - 1e-9);
    }

    [Fact]
    public async Task Asking_with_stream_true_sends_deltas_then_citations_then_done()
    {
        await IngestAsync("returns-policy.md", ReturnsPolicy);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases/support/ask")
        {
            Content = JsonContent.Create(new { question = "When are refunds issued?", stream = true }),
        };
        using var response = await Admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var events = new List<(string Type, JsonElement Data)>();
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(Ct))
            events.Add((item.EventType, JsonDocument.Parse(item.Data).RootElement));

        var types = events.Select(e => e.Type).ToList();
        Assert.True(types.Count(t => t == "delta") > 3);
        Assert.Equal(["citations", "done"], types.Where(t => t != "delta"));
        Assert.True(types.LastIndexOf("delta") < types.IndexOf("citations"));
        var text = string.Concat(events.Where(e => e.Type == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        Assert.Contains("7 business days", text, StringComparison.Ordinal);
        Assert.Equal("returns-policy.md", events.Single(e => e.Type == "citations").Data.GetProperty("citations")[0].GetProperty("fileName").GetString());
        Assert.Equal("answered", events.Last().Data.GetProperty("status").GetString());
        Assert.InRange(events.Last().Data.GetProperty("evidenceConfidence").GetDouble(), await GateThresholdAsync(), 1.0);
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_from_search()
    {
        var returns = await IngestAsync("returns-policy.md", ReturnsPolicy);
        await IngestAsync("thermostat-install.md", ThermostatGuide);

        using var delete = await Admin.DeleteAsync(returns.GetProperty("statusUrl").GetString(), Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "refund return window days" }, Ct);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.DoesNotContain(result.GetProperty("hits").EnumerateArray(), h => h.GetProperty("fileName").GetString() == "returns-policy.md");
        using var status = await Admin.GetAsync(returns.GetProperty("statusUrl").GetString(), Ct);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        Assert.Equal(0, await db.Chunks.CountAsync(c => c.DocumentId == returns.GetProperty("id").GetString(), Ct));
    }

    [Fact]
    public async Task Knowledge_bases_can_be_created_listed_found_by_name_and_deleted()
    {
        using var create = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "manuals", vertical = "customer_service" }, Ct);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var kb = await create.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("customer_service", kb.GetProperty("vertical").GetString());
        Assert.Equal(384, kb.GetProperty("embeddingDimension").GetInt32());

        var list = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct);
        Assert.Equal(["manuals", "support"], list.EnumerateArray().Select(k => k.GetProperty("name").GetString()));

        var byName = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/manuals", Ct);
        Assert.Equal(kb.GetProperty("id").GetString(), byName.GetProperty("id").GetString());

        using var duplicate = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "manuals" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var delete = await Admin.DeleteAsync($"/api/v1/knowledge-bases/{kb.GetProperty("id").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await Admin.GetAsync("/api/v1/knowledge-bases/manuals", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_metrics_endpoint_reports_ingestion_retrieval_and_queue_depth_without_tenant_content()
    {
        await IngestAsync("returns-policy.md", ReturnsPolicy);
        using var search = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "refund timing" }, Ct);
        search.EnsureSuccessStatusCode();

        using var anonymous = Host.Client();
        using var response = await anonymous.GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("kp_ingestion_step_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("step=\"embed\"", text, StringComparison.Ordinal);
        Assert.Contains("kp_ingestion_jobs_total{", text, StringComparison.Ordinal);
        Assert.Contains("kp_retrieval_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("kp_ingestion_queue_depth{", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        foreach (var content in new[] { "acme", "returns-policy", "refund", "support" })
            Assert.DoesNotContain(content, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_and_openapi_endpoints_answer_without_a_key()
    {
        using var anonymous = Host.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready", Ct)).StatusCode);
        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/knowledge-bases/{kb}/ask", out _));
    }
}
