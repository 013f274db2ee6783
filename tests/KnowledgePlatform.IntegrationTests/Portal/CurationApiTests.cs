using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>The endpoints the portal added to the API: chunks, chunk edits, Q&amp;A pairs, retry, dashboard; with their role and tenant checks.</summary>
public sealed class CurationApiTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private string _keyB = "";
    private HttpClient _curator = null!;

    protected override string TenantName => "tenant-a";

    protected override string KnowledgeBase => "handbook";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _keyB = (await NewTenantAsync("tenant-b", "other")).Key;
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("curator"), "curator", Ct);
        _curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);
    }

    public override async ValueTask DisposeAsync()
    {
        _curator.Dispose();
        await base.DisposeAsync();
    }

    private static async Task<JsonElement> IngestAsync(HttpClient client, string kb, string fileName, string content, CancellationToken ct)
    {
        using var upload = await PlatformHost.UploadAsync(client, kb, fileName, content, ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(ct);
        return await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, ct);
    }

    private async Task<JsonElement> SearchAsync(string query, CancellationToken ct)
    {
        using var response = await _curator.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/search", new { query }, ct);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hits");
    }

    [Fact]
    public async Task An_edited_chunk_is_re_embedded_and_found_by_its_new_words_and_a_removed_one_is_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        var document = await IngestAsync(_curator, "handbook", "office.md",
            "# Office\n\n## Hours\nThe office opens at nine in the morning.\n\n## Parking\nStaff park behind the building on level two.", ct);
        var chunks = await _curator.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{document.GetProperty("id").GetString()}/chunks", ct);
        Assert.True(chunks.GetArrayLength() >= 1);
        var chunkId = chunks[0].GetProperty("id").GetString()!;

        using var edit = await _curator.PutAsJsonAsync($"/api/v1/chunks/{chunkId}", new { text = "Visitors sign the quokka register at reception." }, ct);
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var hits = await SearchAsync("quokka register", ct);
        Assert.Equal(chunkId, hits[0].GetProperty("chunkId").GetString());

        using var removed = await _curator.DeleteAsync($"/api/v1/chunks/{chunkId}", ct);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.DoesNotContain((await SearchAsync("quokka register", ct)).EnumerateArray(), h => h.GetProperty("chunkId").GetString() == chunkId);
    }

    [Fact]
    public async Task A_viewer_cannot_edit_chunks_and_another_tenants_chunk_is_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        using var keyB = Host.Client(_keyB);
        var documentB = await IngestAsync(keyB, "other", "b.md", "# B\n\nTenant B's private note about the vault code.", ct);
        var chunkB = (await keyB.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{documentB.GetProperty("id").GetString()}/chunks", ct))[0].GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await _curator.PutAsJsonAsync($"/api/v1/chunks/{chunkB}", new { text = "overwritten" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _curator.DeleteAsync($"/api/v1/chunks/{chunkB}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _curator.PostAsync($"/api/v1/documents/{documentB.GetProperty("id").GetString()}/retry", null, ct)).StatusCode);
        var stillThere = await keyB.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{documentB.GetProperty("id").GetString()}/chunks", ct);
        Assert.Contains("vault code", stillThere[0].GetProperty("text").GetString());

        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("viewer"), "viewer", ct);
        using var viewer = await PortalSession.SignInAsync(Host, Email("viewer"), ct);
        var own = await IngestAsync(_curator, "handbook", "own.md", "# Own\n\nA note of tenant A.", ct);
        var ownChunk = (await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{own.GetProperty("id").GetString()}/chunks", ct))[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsJsonAsync($"/api/v1/chunks/{ownChunk}", new { text = "changed" }, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/qa", new { question = "q?", answer = "a" }, ct)).StatusCode);
    }

    [Fact]
    public async Task A_failed_document_can_be_retried_and_a_ready_one_cannot()
    {
        var ct = TestContext.Current.CancellationToken;
        var failed = await IngestAsync(_curator, "handbook", "bad.jsonl", "{\"question\": \"ok?\", \"answer\": \"fine\"}\n{not json at all\n", ct);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetString()));

        using var retry = await _curator.PostAsync($"/api/v1/documents/{failed.GetProperty("id").GetString()}/retry", null, ct);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var queued = await retry.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(2, queued.GetProperty("version").GetInt32());
        var again = await PlatformHost.WaitForIngestionAsync(_curator, queued.GetProperty("statusUrl").GetString()!, ct);
        Assert.Equal("failed", again.GetProperty("status").GetString());

        var ready = await IngestAsync(_curator, "handbook", "fine.md", "# Fine\n\nAll good.", ct);
        using var notFailed = await _curator.PostAsync($"/api/v1/documents/{ready.GetProperty("id").GetString()}/retry", null, ct);
        Assert.Equal(HttpStatusCode.Conflict, notFailed.StatusCode);
    }

    [Fact]
    public async Task Visitor_feedback_of_the_period_is_counted_on_the_dashboard_with_its_latest_comments()
    {
        var ct = TestContext.Current.CancellationToken;
        var empty = await _curator.GetFromJsonAsync<JsonElement>("/api/v1/dashboard?days=7", ct);
        Assert.Equal((0, 0), (empty.GetProperty("helpful").GetInt32(), empty.GetProperty("notHelpful").GetInt32()));

        foreach (var feedback in new object[] { new { rating = "up", comment = "Clear and quick" }, new { rating = "down" }, new { rating = "down", comment = "Wrong opening hours" } })
            (await _curator.PostAsJsonAsync("/api/v1/feedback", feedback, ct)).EnsureSuccessStatusCode();

        var dashboard = await _curator.GetFromJsonAsync<JsonElement>("/api/v1/dashboard?days=7", ct);
        Assert.Equal((1, 2), (dashboard.GetProperty("helpful").GetInt32(), dashboard.GetProperty("notHelpful").GetInt32()));
        Assert.Equal(["Wrong opening hours", "Clear and quick"],
            dashboard.GetProperty("recentComments").EnumerateArray().Select(c => c.GetProperty("comment").GetString()));
    }

    [Fact]
    public async Task The_dashboard_counts_the_questions_of_every_answer_channel()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = Host.Client(Tenant.Key);
        await IngestAsync(admin, "handbook", "hours.md", "# Opening hours\n\nThe clinic opens at eight in the morning.", ct);
        var before = (await _curator.GetFromJsonAsync<JsonElement>("/api/v1/dashboard?days=7", ct)).GetProperty("asked").GetInt32();

        (await admin.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = "When does the clinic open?" }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/answers", new { question = "When does the clinic open?", knowledgeBase = "handbook" }, ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/v1/chat/completions", new { kb = "handbook", messages = new[] { new { role = "user", content = "When does the clinic open?" } } }, ct)).EnsureSuccessStatusCode();

        var after = await _curator.GetFromJsonAsync<JsonElement>("/api/v1/dashboard?days=7", ct);
        Assert.Equal(before + 3, after.GetProperty("asked").GetInt32());
        Assert.Equal(after.GetProperty("asked").GetInt32(), after.GetProperty("activity").EnumerateArray().Sum(d => d.GetProperty("answered").GetInt32() + d.GetProperty("notFound").GetInt32()));
    }

    [Fact]
    public async Task A_hand_written_question_and_answer_is_ingested_and_answers_questions_that_were_not_found_before()
    {
        var ct = TestContext.Current.CancellationToken;
        using var before = await _curator.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = "Where is the defibrillator kept?" }, ct);
        Assert.NotEqual("answered", (await before.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct)).GetProperty("status").GetString());
        var dashboard = await _curator.GetFromJsonAsync<JsonElement>("/api/v1/dashboard?days=7", ct);
        Assert.Contains(dashboard.GetProperty("topUnanswered").EnumerateArray(), q => q.GetProperty("question").GetString() == "Where is the defibrillator kept?");

        using var qa = await _curator.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/qa",
            new { question = "Where is the defibrillator kept?", answer = "The defibrillator is kept at the main reception desk, next to the first-aid kit." }, ct);
        Assert.Equal(HttpStatusCode.Accepted, qa.StatusCode);
        var document = await PlatformHost.WaitForIngestionAsync(_curator, (await qa.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("statusUrl").GetString()!, ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());

        using var after = await _curator.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = "Where is the defibrillator kept?" }, ct);
        var answer = await after.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct);
        Assert.Equal("answered", answer.GetProperty("status").GetString());
        Assert.Contains("reception", answer.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task A_tenant_admin_edits_a_knowledge_base_and_a_curator_may_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var forbidden = await _curator.PatchAsJsonAsync("/api/v1/knowledge-bases/handbook", new { strict = true }, ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("owner"), "tenant-admin", ct);
        using var admin = await PortalSession.SignInAsync(Host, Email("owner"), ct);
        using var invalid = await admin.PatchAsJsonAsync("/api/v1/knowledge-bases/handbook", new { chunking = new { maxTokens = 8, overlapTokens = 0 } }, ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var edited = await admin.PatchAsJsonAsync("/api/v1/knowledge-bases/handbook",
            new { strict = true, description = "Staff handbook", chunking = new { maxTokens = 128, overlapTokens = 16 } }, ct);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var kb = await admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/handbook", ct);
        Assert.True(kb.GetProperty("strict").GetBoolean());
        Assert.Equal("Staff handbook", kb.GetProperty("description").GetString());
        Assert.Equal(128, kb.GetProperty("chunking").GetProperty("maxTokens").GetInt32());

        using var other = await admin.PatchAsJsonAsync("/api/v1/knowledge-bases/other", new { strict = true }, ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
