using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Files that pass the upload checks but are hostile or odd inside: each ends ready or failed with a reason, and the pipeline keeps flowing.</summary>
public sealed class HostileInputTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{

    protected override string KnowledgeBase => "kb";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Ingestion:MaxUploadBytes"] = (20 * 1024 * 1024).ToString() };

    private async Task<JsonElement> IngestAsync(string fileName, byte[] content)
    {
        using var upload = await PlatformHost.UploadAsync(Admin, "kb", fileName, content, Ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return await PlatformHost.WaitForIngestionAsync(Admin, accepted.GetProperty("statusUrl").GetString()!, Ct);
    }

    private async Task<string?> TopFileAsync(string query)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/kb/search", new { query }, Ct);
        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hits");
        return hits.GetArrayLength() == 0 ? null : hits[0].GetProperty("fileName").GetString();
    }

    [Fact]
    public async Task Hostile_files_fail_with_reasons_while_good_files_around_them_are_ingested()
    {
        var nested = new StringBuilder("<html><body><script>alert('x')</script>");
        while (nested.Length < 10_000_000) nested.Append("<div><span>");
        nested.Append("<p>Deeply nested but harmless text about espresso machines.</p></body></html>");

        var brokenCsv = "question,answer\n\"How do I descale?\",\"Run the descaling program\"\n\"Is the quote closed?\",\"It never is\n";
        var badJsonLines = "{\"question\": \"ok?\", \"answer\": \"fine\"}\n{not json at all\n";

        var results = new Dictionary<string, JsonElement>
        {
            ["nested.html"] = await IngestAsync("nested.html", Encoding.UTF8.GetBytes(nested.ToString())),
            ["broken.csv"] = await IngestAsync("broken.csv", Encoding.UTF8.GetBytes(brokenCsv)),
            ["bad.jsonl"] = await IngestAsync("bad.jsonl", Encoding.UTF8.GetBytes(badJsonLines)),
            ["garantie.txt"] = await IngestAsync("garantie.txt", Encoding.Latin1.GetBytes("Garantie prolongée : la cafetière est couverte pendant trois ans à compter de l'achat.")),
            ["gewaehr.txt"] = await IngestAsync("gewaehr.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Gewährleistung: Die Kaffeemühle hat zwei Jahre Gewährleistung ab Kaufdatum.")]),
            ["good.md"] = await IngestAsync("good.md", Encoding.UTF8.GetBytes("# Grinder\n\nThe burr grinder needs a new burr set every 500 kilograms of coffee beans.")),
        };

        Assert.Equal("failed", results["broken.csv"].GetProperty("status").GetString());
        Assert.Contains("line", results["broken.csv"].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("failed", results["bad.jsonl"].GetProperty("status").GetString());
        Assert.Contains("line 2", results["bad.jsonl"].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(results["nested.html"].GetProperty("status").GetString(), new[] { "ready", "failed" });
        foreach (var name in new[] { "garantie.txt", "gewaehr.txt", "good.md" })
            Assert.Equal("ready", results[name].GetProperty("status").GetString());

        // Text in other encodings was decoded, not mangled: its words are found.
        Assert.Equal("garantie.txt", await TopFileAsync("cafetière garantie prolongée"));
        Assert.Equal("gewaehr.txt", await TopFileAsync("Kaffeemühle Gewährleistung"));
        Assert.Equal("good.md", await TopFileAsync("burr set kilograms"));
    }
}
