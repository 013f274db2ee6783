extern alias cli;

using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Spectre.Console.Cli;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>`kp backup`, `kp restore` and `kp doctor` on the embedded layout (decision 0095).</summary>
public sealed class BackupRestoreTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const int Documents = 100;
    // The restore's target: a data folder that does not exist until kp restores into it.
    private readonly TestPlatform _restoredPlatform = new SqlitePlatform();
    private readonly string _backup = Path.Combine(Path.GetTempPath(), $"kp-backup-{Guid.NewGuid():N}.zip");

    // The tests start their servers themselves, around the backup and the restore.
    protected override bool StartsServer => false;

    private string RestoredPath => _restoredPlatform.DataPath;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _restoredPlatform.DisposeAsync();
        File.Delete(_backup);
    }

    private static string Note(int i) => $"# Maintenance note {i}\n\nUnit zx{i:D3}q needs its filter replaced every {i + 2} weeks. Log the change in the service book.";

    private static Task<int> KpAsync(CancellationToken ct, params string[] args)
    {
        var app = new CommandApp();
        app.Configure(cli::KnowledgePlatform.Cli.Database.DbCommands.AddMaintenanceCommands);
        return app.RunAsync(args, ct);
    }

    private static List<(string Id, DocumentStatus Status)> DocumentsIn(string database)
    {
        var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
        MetadataDatabase.UseSqlite(options, $"Data Source={database};Pooling=False");
        using var db = new SqliteKnowledgeDbContext(options.Options);
        return db.Documents.AsNoTracking().Select(d => new { d.Id, d.Status }).AsEnumerable().Select(d => (d.Id, d.Status)).ToList();
    }

    [Fact]
    public async Task A_backup_taken_while_documents_are_ingested_restores_into_a_server_that_serves_every_document_ready_at_the_snapshot()
    {
        string key;
        await using (var host = new PlatformHost(DataPath))
        {
            key = await host.CreateTenantAsync("acme", "service", Ct);
            using var client = host.Client(key);
            await Task.WhenAll(Enumerable.Range(0, Documents).Select(async i =>
            {
                using var response = await PlatformHost.UploadAsync(client, "service", $"note-{i:D3}.md", Note(i), Ct);
                response.EnsureSuccessStatusCode();
            }));
            // Back up once some are ready and the rest still queue: the server keeps ingesting meanwhile.
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while ((await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/service/documents", Ct)).EnumerateArray().Count(d => d.GetProperty("status").GetString() == "ready") < 5)
            {
                Assert.True(DateTime.UtcNow < deadline, "no document became ready");
                await Task.Delay(100, Ct);
            }
            Assert.Equal(0, await KpAsync(Ct, "backup", _backup, "--data", DataPath));
        }

        // What the snapshot held, read from the backup itself.
        var unpacked = Path.Combine(RestoredPath + "-snapshot");
        ZipFile.ExtractToDirectory(_backup, unpacked);
        var snapshot = DocumentsIn(Path.Combine(unpacked, "knowledge.db"));
        SqliteConnection.ClearAllPools();
        Directory.Delete(unpacked, recursive: true);
        var ready = snapshot.Where(d => d.Status == DocumentStatus.Ready).Select(d => d.Id).ToList();
        Assert.Equal(Documents, snapshot.Count);
        Assert.InRange(ready.Count, 1, Documents - 1);

        Assert.Equal(0, await KpAsync(Ct, "restore", _backup, "--data", RestoredPath));
        Assert.Equal(0, await KpAsync(Ct, "doctor", "--data", RestoredPath));

        // The restored server (not ingesting, so it shows the snapshot as it was) serves every document ready then.
        await using var restored = new PlatformHost(RestoredPath, new Dictionary<string, string> { ["Ingestion:Workers"] = "0" });
        using var api = restored.Client(key);
        var listed = (await api.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/service/documents", Ct)).EnumerateArray()
            .ToDictionary(d => d.GetProperty("id").GetString()!, d => d);
        Assert.Equal(Documents, listed.Count);
        foreach (var id in ready)
        {
            Assert.Equal("ready", listed[id].GetProperty("status").GetString());
            var number = int.Parse(listed[id].GetProperty("fileName").GetString()!["note-".Length..^".md".Length], System.Globalization.CultureInfo.InvariantCulture);
            using var search = await api.PostAsJsonAsync("/api/v1/knowledge-bases/service/search", new { query = $"zx{number:D3}q", top = 3, mode = "keyword" }, Ct);
            var hits = (await search.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hits").EnumerateArray().ToList();
            Assert.Contains(hits, h => h.GetProperty("documentId").GetString() == id);
        }
    }

    [Fact]
    public async Task Doctor_finds_an_index_that_drifted_an_orphan_file_and_a_half_written_upload_and_repairs_them()
    {
        await using (var host = new PlatformHost(DataPath))
        {
            var key = await host.CreateTenantAsync("acme", "service", Ct);
            using var client = host.Client(key);
            for (var i = 0; i < 3; i++) await PlatformHost.IngestAsync(client, "service", $"note-{i}.md", Note(i), Ct);
        }
        // Damage: a vector file lost, a folder no document owns, an upload left half written.
        foreach (var vectors in Directory.GetFiles(Path.Combine(DataPath, "index", "vectors"))) File.Delete(vectors);
        var kbFolder = Directory.GetDirectories(Path.Combine(DataPath, "files", "acme")).Single();
        Directory.CreateDirectory(Path.Combine(kbFolder, "doc_gone"));
        await File.WriteAllTextAsync(Path.Combine(kbFolder, "doc_gone", "v1.md"), "orphan", Ct);
        await File.WriteAllTextAsync(Path.Combine(Directory.GetDirectories(kbFolder).First(d => !d.EndsWith("doc_gone", StringComparison.Ordinal)), "v2.md.partial"), "half", Ct);

        Assert.Equal(1, await KpAsync(Ct, "doctor", "--data", DataPath));
        Assert.Equal(0, await KpAsync(Ct, "doctor", "--data", DataPath, "--repair"));
        Assert.Equal(0, await KpAsync(Ct, "doctor", "--data", DataPath));
        Assert.False(Directory.Exists(Path.Combine(kbFolder, "doc_gone")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(DataPath, "index", "vectors")));
    }
}
