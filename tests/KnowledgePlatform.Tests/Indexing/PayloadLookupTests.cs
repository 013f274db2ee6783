using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>
/// Every search of the embedded index ends by loading its hits' rows. Those must be found by key: read through the scope
/// index, the lookup reads every row of the knowledge base, and a dense search grew from 2 ms at 10,000 chunks to 121 ms at 1M.
/// </summary>
public sealed class PayloadLookupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kp-payloads-").FullName;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    public static TheoryData<string> Filters => ["plain", "groups", "shared", "documents"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Hit_rows_are_looked_up_by_key_not_by_reading_the_knowledge_base(string kind)
    {
        using (var index = new EmbeddedChunkIndex(_folder))
        {
            var doc = new DocumentRef("tenant", "kb", "doc");
            await index.AddChunksAsync([.. Enumerable.Range(0, 50).Select(i => new IndexedChunk(
                new ChunkPayload($"doc-{i}", "tenant", "kb", "doc", "Title", "file.md", i, $"chunk {i}", "", null, null, ChunkKind.Text), new float[] { 1, i }))], _ct);
        }
        var filter = kind switch
        {
            "groups" => new ChunkFilter("tenant", ["kb"]) { Groups = ["nurses"] },
            "shared" => new ChunkFilter("tenant", ["kb"]) { Shared = [new KnowledgeBaseScope("publisher", "guidelines")] },
            "documents" => new ChunkFilter("tenant", ["kb"]) { DocumentIds = ["doc"] },
            _ => new ChunkFilter("tenant", ["kb"]),
        };

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "fulltext.db")}");
        connection.Open();
        // A search loads its 40 candidates at once; with that many keys SQLite, left to itself, prefers the scope index.
        var keys = Enumerable.Range(5, 40).Select(k => (ulong)k).ToList();
        using var query = EmbeddedChunkIndex.PayloadQuery(connection, filter, keys);
        var rows = new List<string>();
        using (var reader = query.ExecuteReader())
            while (reader.Read()) rows.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        query.CommandText = "EXPLAIN QUERY PLAN " + query.CommandText;
        var plan = new List<string>();
        using (var reader = query.ExecuteReader())
            while (reader.Read()) plan.Add(reader.GetString(3));

        Assert.Equal(keys.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows);
        Assert.Contains(plan, step => step.Contains("INTEGER PRIMARY KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("ix_chunks_scope", StringComparison.Ordinal));
    }
}
