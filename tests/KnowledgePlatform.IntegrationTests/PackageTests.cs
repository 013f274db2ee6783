extern alias cli;

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePlatform.IntegrationTests.Support;
using Spectre.Console.Cli;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Knowledge-base packages (decision 0043): export from one tenant, import into another, refuse what was tampered with.</summary>
public abstract class PackageTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : PackageTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : PackageTests(platform), IClassFixture<PostgresPlatform>;

    private static readonly string[] Queries = ["How long is the warranty on a kettle?", "descaling the kettle with vinegar", "refund for a damaged toaster"];

    private HttpClient _alpha = null!;
    private HttpClient _beta = null!;

    /// <summary>The exporting tenant: its id must not travel in a package.</summary>
    protected override string TenantName => "tenant-alpha-7";

    protected override string KnowledgeBase => "handbook";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Packages:MaxUnpackedBytes"] = (4 * 1024 * 1024).ToString() };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _alpha = Admin;
        _beta = Client((await NewTenantAsync("tenant-beta", "own")).Key);
        await PlatformHost.IngestAsync(_alpha, "handbook", "kettle.md", "# Kettle\n\n## Warranty\nThe kettle has a two year warranty from the date of purchase.\n\n## Care\nDescale the kettle monthly with white vinegar and rinse twice.", Ct);
        await PlatformHost.IngestAsync(_alpha, "handbook", "toaster.md", "# Toaster\n\nA toaster that arrives damaged is refunded in full within 30 days.", Ct);
        using var tag = await _alpha.PatchAsJsonAsync($"/api/v1/documents/{await DocumentIdAsync(_alpha, "handbook", "kettle.md")}/metadata", new { tags = new[] { "appliances" }, groups = new[] { "support" } }, Ct);
        tag.EnsureSuccessStatusCode();
    }

    private async Task<string> DocumentIdAsync(HttpClient client, string kb, string fileName) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kb}/documents", Ct)).EnumerateArray()
            .Single(d => d.GetProperty("fileName").GetString() == fileName).GetProperty("id").GetString()!;

    private async Task<byte[]> ExportAsync()
    {
        using var response = await _alpha.GetAsync("/api/v1/knowledge-bases/handbook/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private async Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] package, string? name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "handbook.kp.zip");
        if (name is not null) form.Add(new StringContent(name), "name");
        return await client.PostAsync("/api/v1/knowledge-bases/import", form, Ct);
    }

    private async Task<List<(string Text, double Score, double? Dense, double? Keyword)>> SearchAsync(HttpClient client, string kb, string query)
    {
        var result = await (await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query, top = 10 }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        return result.GetProperty("hits").EnumerateArray().Select(h => (
            h.GetProperty("text").GetString()!, h.GetProperty("score").GetDouble(),
            h.GetProperty("denseScore").ValueKind == JsonValueKind.Null ? (double?)null : h.GetProperty("denseScore").GetDouble(),
            h.GetProperty("keywordScore").ValueKind == JsonValueKind.Null ? (double?)null : h.GetProperty("keywordScore").GetDouble())).ToList();
    }

    /// <summary>The package with one entry changed (and, optionally, the manifest rewritten).</summary>
    private static byte[] Rewrite(byte[] package, Action<ZipArchive> change)
    {
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true)) change(zip);
        return buffer.ToArray();
    }

    private static string ReadEntry(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] content)
    {
        zip.GetEntry(name)?.Delete();
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(content);
    }

    [Fact]
    public async Task A_package_exported_from_one_tenant_imports_into_another_and_searches_the_same_chunks_with_the_same_scores()
    {
        var package = await ExportAsync();
        using (var zip = new ZipArchive(new MemoryStream(package)))
        {
            Assert.Equal(["chunks.jsonl", "documents/0", "documents/1", "manifest.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            var manifest = JsonNode.Parse(ReadEntry(zip, "manifest.json"))!;
            Assert.Equal(1, (int)manifest["formatVersion"]!);
            Assert.Equal(384, (int)manifest["embedding"]!["dimension"]!);
            Assert.Equal("snowflake-arctic-embed-xs", (string)manifest["embedding"]!["model"]!);
            var firstChunk = JsonNode.Parse(ReadEntry(zip, "chunks.jsonl").Split('\n')[0])!;
            Assert.Equal(384 * 4, Convert.FromBase64String((string)firstChunk["embedding"]!).Length);
            Assert.All(zip.Entries, e => Assert.DoesNotContain(Tenant.Id, ReadEntry(zip, e.FullName), StringComparison.Ordinal));
        }

        using var imported = await ImportAsync(_beta, package, "imported");
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var result = await imported.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(result.GetProperty("reembedded").GetBoolean());
        Assert.Equal(2, result.GetProperty("documents").GetInt32());

        foreach (var query in Queries)
        {
            var source = await SearchAsync(_alpha, "handbook", query);
            var copy = await SearchAsync(_beta, "imported", query);
            Assert.NotEmpty(source);
            Assert.Equal(source.Select(h => h.Text), copy.Select(h => h.Text));
            foreach (var (a, b) in source.Zip(copy))
            {
                Assert.Equal(a.Score, b.Score, 9);
                Assert.Equal(a.Dense ?? -1, b.Dense ?? -1, 5);
                Assert.Equal(a.Keyword ?? -1, b.Keyword ?? -1, 9);
            }
        }
        // New ids in the importing tenant; metadata and groups came along.
        var documents = (await _beta.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/imported/documents", Ct)).EnumerateArray().ToList();
        var kettle = documents.Single(d => d.GetProperty("fileName").GetString() == "kettle.md");
        Assert.NotEqual(await DocumentIdAsync(_alpha, "handbook", "kettle.md"), kettle.GetProperty("id").GetString());
        Assert.Equal(["support"], kettle.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.DoesNotContain(Tenant.Id, await _beta.GetStringAsync("/api/v1/knowledge-bases/imported", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_traversing_or_exploding_package_is_refused_with_a_clear_error_and_creates_nothing()
    {
        var package = await ExportAsync();
        var tampered = Rewrite(package, zip =>
        {
            var chunks = ReadEntry(zip, "chunks.jsonl");
            WriteEntry(zip, "chunks.jsonl", Encoding.UTF8.GetBytes(chunks.Replace("two year", "ten year", StringComparison.Ordinal)));
        });
        var traversal = Rewrite(package, zip => WriteEntry(zip, "../../etc/cron.d/evil", Encoding.UTF8.GetBytes("* * * * * root true")));
        var bomb = Rewrite(package, zip =>
        {
            // 8 MiB of zeros compresses to a few KiB; the manifest is made consistent so only the size limit stops it.
            var zeros = new byte[8 * 1024 * 1024];
            WriteEntry(zip, "documents/0", zeros);
            var manifest = JsonNode.Parse(ReadEntry(zip, "manifest.json"))!;
            manifest["documents"]![0]!["file"]!["sha256"] = Convert.ToHexString(SHA256.HashData(zeros)).ToLowerInvariant();
            manifest["documents"]![0]!["file"]!["bytes"] = zeros.Length;
            WriteEntry(zip, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        });

        foreach (var (bytes, status, code) in new[]
        {
            (tampered, HttpStatusCode.UnprocessableEntity, "package_tampered"),
            (traversal, HttpStatusCode.UnprocessableEntity, "package_invalid"),
            (bomb, HttpStatusCode.RequestEntityTooLarge, "package_too_large"),
            ("not a zip"u8.ToArray(), HttpStatusCode.UnprocessableEntity, "package_invalid"),
        })
        {
            using var response = await ImportAsync(_beta, bytes, "imported");
            Assert.Equal(status, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }
        Assert.Single((await _beta.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct)).EnumerateArray());
        Assert.False(File.Exists("/etc/cron.d/evil"));
    }

    [Fact]
    public async Task The_cli_exports_and_imports_a_package_through_the_server()
    {
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(DataPath, "cli", Tenant.Id)).FullName, "handbook.kp.zip");
        var server = _alpha.BaseAddress!.ToString();
        var alphaKey = _alpha.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        var betaKey = _beta.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        var app = new CommandApp();
        app.Configure(c => c.AddBranch("kb", kb =>
        {
            kb.AddCommand<cli::KnowledgePlatform.Cli.Packages.KbExportCommand>("export");
            kb.AddCommand<cli::KnowledgePlatform.Cli.Packages.KbImportCommand>("import");
        }));

        Assert.Equal(0, await app.RunAsync(["kb", "export", "handbook", file, "--server", server, "--key", alphaKey], Ct));
        Assert.Equal(0, await app.RunAsync(["kb", "import", file, "--name", "from-cli", "--server", server, "--key", betaKey], Ct));
        Assert.Equal(1, await app.RunAsync(["kb", "import", file, "--name", "from-cli", "--server", server, "--key", betaKey], Ct));

        Assert.Equal((await SearchAsync(_alpha, "handbook", Queries[1])).Select(h => h.Text), (await SearchAsync(_beta, "from-cli", Queries[1])).Select(h => h.Text));
    }

    [Fact]
    public async Task A_package_of_another_embedding_model_is_embedded_again_through_the_pipeline()
    {
        var package = Rewrite(await ExportAsync(), zip =>
        {
            var manifest = JsonNode.Parse(ReadEntry(zip, "manifest.json"))!;
            manifest["embedding"]!["model"] = "some-other-model";
            WriteEntry(zip, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        });

        using var imported = await ImportAsync(_beta, package, null);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.True((await imported.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reembedded").GetBoolean());
        foreach (var document in (await _beta.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/handbook/documents", Ct)).EnumerateArray())
            Assert.Equal("ready", (await PlatformHost.WaitForIngestionAsync(_beta, document.GetProperty("statusUrl").GetString()!, Ct)).GetProperty("status").GetString());
        var hits = await SearchAsync(_beta, "handbook", Queries[0]);
        Assert.Contains("two year warranty", hits[0].Text, StringComparison.Ordinal);
    }
}
