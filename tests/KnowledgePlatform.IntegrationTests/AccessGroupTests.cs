using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// Document-level access groups (decision 0040): a key without a document's group never sees its chunks
/// or the document through any endpoint; a key with the group, and a tenant admin, do.
/// </summary>
public abstract class AccessGroupTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : AccessGroupTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : AccessGroupTests(platform), IClassFixture<PostgresPlatform>;

    private const string Secret = "ONCO-4471";
    private const string Question = "What is the carboplatin dose adjustment protocol?";

    private string _groupedId = "";
    private string _openId = "";

    protected override string TenantName => "hospital";

    protected override string KnowledgeBase => "wards";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _groupedId = await UploadAsync(Admin, "oncology.md",
            $"# Oncology protocols\n\nThe carboplatin dose adjustment protocol {Secret} uses the Calvert formula with the measured creatinine clearance.", "oncology");
        _openId = await UploadAsync(Admin, "visiting.md", "# Visiting hours\n\nVisiting hours on the wards are from 10 to 20 every day.", null);
    }

    private async Task<string> UploadAsync(HttpClient client, string fileName, string text, string? groups)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "file", fileName);
        if (groups is not null) form.Add(new StringContent(groups), "groups");
        using var response = await client.PostAsync("/api/v1/knowledge-bases/wards/documents", form, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var document = await PlatformHost.WaitForIngestionAsync(client, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!, Ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());
        return document.GetProperty("id").GetString()!;
    }

    private async Task<HttpClient> KeyAsync(string[]? groups) => Host.Client(await SecretAsync(groups));

    private async Task<string> SecretAsync(string[]? groups)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "k", scopes = new[] { "read", "ask", "ingest" }, groups }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
    }

    [Fact]
    public async Task Ingestion_progress_of_a_grouped_document_reaches_only_holders_of_its_group()
    {
        var heard = new Dictionary<string, List<string>> { ["outsider"] = [], ["oncology"] = [] };
        var connections = new List<HubConnection>();
        foreach (var (who, groups) in new[] { ("outsider", (string[]?)null), ("oncology", new[] { "oncology" }) })
        {
            var secret = await SecretAsync(groups);
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(Host.ClientOptions.BaseAddress, "/hubs/ingestion"), o => o.Headers["X-Api-Key"] = secret).Build();
            connection.On<JsonElement>("progress", p => { lock (heard) heard[who].Add(p.GetProperty("fileName").GetString()!); });
            await connection.StartAsync(Ct);
            connections.Add(connection);
        }

        await UploadAsync(Admin, "oncology-2.md", "# Oncology\n\nCisplatin needs hydration before and after the infusion.", "oncology");
        await UploadAsync(Admin, "canteen.md", "# Canteen\n\nThe canteen opens at seven.", null);
        await Task.Delay(600, Ct);
        foreach (var connection in connections) await connection.DisposeAsync();

        lock (heard)
        {
            Assert.Contains("oncology-2.md", heard["oncology"]);
            Assert.Contains("canteen.md", heard["oncology"]);
            Assert.Contains("canteen.md", heard["outsider"]);
            Assert.DoesNotContain("oncology-2.md", heard["outsider"]);
        }
    }

    /// <summary>Every read that can return the grouped document or its chunks, with the raw response text.</summary>
    private async Task<List<(string Route, HttpStatusCode Status, string Body)>> ReadEverywhereAsync(HttpClient client)
    {
        var results = new List<(string, HttpStatusCode, string)>();
        async Task Send(string route, Func<Task<HttpResponseMessage>> call)
        {
            using var response = await call();
            results.Add((route, response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
        }
        foreach (var mode in new[] { "hybrid", "dense", "keyword" })
            await Send($"search {mode}", () => client.PostAsJsonAsync("/api/v1/knowledge-bases/wards/search", new { query = Question, mode }, Ct));
        await Send("search documentIds", () => client.PostAsJsonAsync("/api/v1/knowledge-bases/wards/search", new { query = Question, filter = new { documentIds = new[] { _groupedId } } }, Ct));
        await Send("multi-search", () => client.PostAsJsonAsync("/api/v1/search", new { query = Question, knowledgeBases = new[] { "wards" } }, Ct));
        await Send("ask", () => client.PostAsJsonAsync("/api/v1/knowledge-bases/wards/ask", new { question = Question }, Ct));
        await Send("ask stream", () => client.PostAsJsonAsync("/api/v1/knowledge-bases/wards/ask", new { question = Question, stream = true }, Ct));
        await Send("documents", () => client.GetAsync("/api/v1/knowledge-bases/wards/documents", Ct));
        await Send("document", () => client.GetAsync($"/api/v1/documents/{_groupedId}", Ct));
        await Send("chunks", () => client.GetAsync($"/api/v1/documents/{_groupedId}/chunks", Ct));
        await Send("content", () => client.GetAsync($"/api/v1/documents/{_groupedId}/content", Ct));
        await Send("passage", () => client.GetAsync($"/api/v1/documents/{_groupedId}/passage?quote=carboplatin", Ct));
        return results;
    }

    [Fact]
    public async Task A_key_without_the_documents_group_never_sees_it_and_a_key_with_the_group_does()
    {
        using var outsider = await KeyAsync(null);
        using var cardiology = await KeyAsync(["cardiology"]);
        using var oncology = await KeyAsync(["oncology", "pharmacy"]);

        foreach (var client in new[] { outsider, cardiology })
        {
            foreach (var (route, status, body) in await ReadEverywhereAsync(client))
            {
                Assert.True((int)status < 500, $"{route}: {status}");
                Assert.False(body.Contains(Secret, StringComparison.Ordinal), $"{route} leaked the text: {body}");
                // A 404's detail echoes the id that was asked for; nothing else may name the document.
                if (route is "document" or "chunks" or "content" or "passage") Assert.Equal(HttpStatusCode.NotFound, status);
                else Assert.False(body.Contains(_groupedId, StringComparison.Ordinal), $"{route} leaked the document: {body}");
            }
            // The open document is still theirs, and writes to the grouped one are as unknown as reads.
            Assert.Contains(_openId, await client.GetStringAsync("/api/v1/knowledge-bases/wards/documents", Ct), StringComparison.Ordinal);
            using var patch = await client.PatchAsJsonAsync($"/api/v1/documents/{_groupedId}/metadata", new { groups = Array.Empty<string>() }, Ct);
            Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
            using var delete = await client.DeleteAsync($"/api/v1/documents/{_groupedId}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        foreach (var client in new[] { oncology, Admin })
        {
            var seen = await ReadEverywhereAsync(client);
            Assert.All(seen, r => Assert.Equal(HttpStatusCode.OK, r.Status));
            foreach (var route in new[] { "search hybrid", "search dense", "search keyword", "search documentIds", "multi-search", "ask", "ask stream", "documents", "document", "passage" })
                Assert.Contains(_groupedId, seen.Single(r => r.Route == route).Body, StringComparison.Ordinal);
            // The original file and the passage's extracted text hold the words themselves.
            foreach (var route in new[] { "chunks", "content", "passage" })
                Assert.Contains(Secret, seen.Single(r => r.Route == route).Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Groups_edited_through_the_metadata_endpoint_take_effect_in_the_index_at_once()
    {
        using var outsider = await KeyAsync(null);
        using var oncology = await KeyAsync(["oncology"]);
        async Task<bool> Finds(HttpClient client) =>
            (await (await client.PostAsJsonAsync("/api/v1/knowledge-bases/wards/search", new { query = Question }, Ct)).Content.ReadAsStringAsync(Ct)).Contains(Secret, StringComparison.Ordinal);
        Assert.False(await Finds(outsider));

        using (var open = await Admin.PatchAsJsonAsync($"/api/v1/documents/{_groupedId}/metadata", new { groups = Array.Empty<string>() }, Ct))
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.True(await Finds(outsider));

        // A key without the admin scope may only group a document under a group it holds.
        using (var hide = await oncology.PatchAsJsonAsync($"/api/v1/documents/{_groupedId}/metadata", new { groups = new[] { "cardiology" } }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, hide.StatusCode);
        using (var regroup = await oncology.PatchAsJsonAsync($"/api/v1/documents/{_groupedId}/metadata", new { groups = new[] { "oncology" } }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, regroup.StatusCode);
            Assert.Equal(["oncology"], (await regroup.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        }
        Assert.False(await Finds(outsider));
        Assert.True(await Finds(oncology));

        // Uploading over a document the key cannot see is refused rather than silently versioning it.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("# replaced\n\ntext")), "file", "oncology.md" } };
        using var overwrite = await outsider.PostAsync("/api/v1/knowledge-bases/wards/documents", form, Ct);
        Assert.Equal(HttpStatusCode.Conflict, overwrite.StatusCode);
    }
}
