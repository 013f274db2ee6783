using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Indexing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>
/// The embedded index's BM25 postings (a Lucene.NET folder per knowledge base, decision 0166) are derived from its rows:
/// a folder lost, or left behind its rows by a crash before its commit, is rebuilt, and searches score as before.
/// </summary>
public sealed class KeywordIndexRecoveryTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-keyword-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly ChunkFilter _filter = new("t", ["kb"]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Keyword => Path.Combine(_folder, "keyword");

    private static IndexedChunk[] Chunks(DocumentRef doc, params string[] texts) =>
        [.. texts.Select((text, o) => new IndexedChunk(
            new ChunkPayload($"{doc.DocumentId}-{o}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Guide", "guide.md", o, text, "", null, null, ChunkKind.Text),
            new float[] { 1, o, 0 }))];

    /// <summary>The keyword index of a folder whose one document says "returns are free", opened on its own, and a connection to its rows.</summary>
    private async Task<OpenedKeywordIndex> KeywordIndexWithOneDocumentAsync()
    {
        var doc = new DocumentRef("t", "kb", "d");
        using (var index = new EmbeddedChunkIndex(_folder))
            await index.ReplaceDocumentAsync(doc, Chunks(doc, "returns are free"), _ct);
        var database = $"Data Source={Path.Combine(_folder, "fulltext.db")};Pooling=False";
        SqliteConnection Open()
        {
            var connection = new SqliteConnection(database);
            connection.Open();
            return connection;
        }
        return new OpenedKeywordIndex(new Bm25Index(_folder, Bm25Parameters.Default, Open), Open());
    }

    private sealed record OpenedKeywordIndex(Bm25Index Index, SqliteConnection Connection) : IDisposable
    {
        public void Dispose()
        {
            Connection.Dispose();
            Index.Dispose();
        }
    }

    private async Task<List<(string ChunkId, double Score)>> SearchAsync(EmbeddedChunkIndex index, string query) =>
        [.. (await index.SearchKeywordAsync(_filter, query, 10, _ct)).Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9)))];

    [Fact]
    public async Task A_keyword_index_left_behind_its_rows_by_a_crash_is_rebuilt_and_scores_as_before()
    {
        var (a, b, c) = (new DocumentRef("t", "kb", "a"), new DocumentRef("t", "kb", "b"), new DocumentRef("t", "kb", "c"));
        var backup = Path.Combine(_folder, "keyword-at-last-commit");
        string[] questions = ["alpha dosage", "beta renal dosage", "gamma", "delta", "dosage"];
        List<List<(string, double)>> expected;
        using (var index = new EmbeddedChunkIndex(_folder))
        {
            await index.ReplaceDocumentAsync(a, Chunks(a, "alpha dosage for adults", "alpha dosage for children"), _ct);
            await index.ReplaceDocumentAsync(c, Chunks(c, "delta dosage in pregnancy"), _ct);
            index.Flush();
            CopyFolder(Keyword, backup);
            // Changes the committed folder does not hold: a new version of a, b added, c deleted.
            await index.ReplaceDocumentAsync(a, Chunks(a, "beta dosage with renal impairment"), _ct);
            await index.ReplaceDocumentAsync(b, Chunks(b, "gamma dosage", "gamma interactions"), _ct);
            await index.DeleteDocumentAsync(c, _ct);
            expected = [.. await Task.WhenAll(questions.Select(q => SearchAsync(index, q)))];
        }
        // As after a crash: the folder as of its last commit, the rows as of the last write.
        Directory.Delete(Keyword, recursive: true);
        Directory.Move(backup, Keyword);

        using var reopened = new EmbeddedChunkIndex(_folder);

        var actual = await Task.WhenAll(questions.Select(q => SearchAsync(reopened, q)));
        Assert.Equal(expected, actual);
        Assert.Empty(await SearchAsync(reopened, "alpha"));
        Assert.Empty(await SearchAsync(reopened, "delta"));
        Assert.Equal(["a-0"], (await SearchAsync(reopened, "renal")).Select(h => h.ChunkId));
    }

    [Fact]
    public async Task Writes_between_commits_are_searchable_but_reach_the_folder_only_at_the_commit()
    {
        // The keyword index alone, without the embedded index's timer, which commits once writes settle.
        using var opened = await KeywordIndexWithOneDocumentAsync();
        var (bm25, connection) = (opened.Index, opened.Connection);
        Assert.Single(bm25.Search(connection, _filter, "returns", 10));
        var folder = Assert.Single(Directory.GetDirectories(bm25.Folder));
        var committed = Directory.GetFiles(folder).Order().ToList();

        // Each write publishes a segment of its own: kept in memory, not a dozen files made and soon merged away.
        for (var key = 1000; key < 1004; key++)
        {
            using var tx = connection.BeginTransaction();
            bm25.Add(connection, tx, [new Bm25Index.Chunk(key, "t", "kb", [], $"shipping note {key}")]);
            bm25.Seal(connection, tx);
            tx.Commit();
            bm25.Publish();
        }

        Assert.Equal(4, bm25.Search(connection, _filter, "shipping", 10).Count);
        Assert.Equal(committed, Directory.GetFiles(folder).Order().ToList());
        bm25.Commit();
        Assert.NotEqual(committed, Directory.GetFiles(folder).Order().ToList());
    }

    [Fact]
    public async Task A_lost_keyword_index_is_rebuilt_from_the_rows()
    {
        var doc = new DocumentRef("t", "kb", "d");
        List<(string, double)> expected;
        using (var index = new EmbeddedChunkIndex(_folder))
        {
            await index.ReplaceDocumentAsync(doc, Chunks(doc, "metformin is taken with meals", "gliclazide before breakfast"), _ct);
            expected = await SearchAsync(index, "metformin meals");
        }
        Directory.Delete(Keyword, recursive: true);

        using var reopened = new EmbeddedChunkIndex(_folder);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SearchAsync(reopened, "metformin meals"));
    }

    [Fact]
    public async Task Deleting_a_knowledge_base_deletes_its_keyword_folder_and_a_new_one_of_that_name_starts_empty()
    {
        var doc = new DocumentRef("t", "kb", "d");
        using var index = new EmbeddedChunkIndex(_folder);
        await index.ReplaceDocumentAsync(doc, Chunks(doc, "returns are free"), _ct);
        index.Flush();
        var folders = Directory.GetDirectories(Keyword);
        Assert.Single(folders);

        await index.DeleteKnowledgeBaseAsync("t", "kb", _ct);

        Assert.False(Directory.Exists(folders[0]));
        Assert.Empty(await SearchAsync(index, "returns"));
        await index.ReplaceDocumentAsync(doc, Chunks(doc, "shipping takes two days"), _ct);
        Assert.Empty(await SearchAsync(index, "returns"));
        Assert.Single(await SearchAsync(index, "shipping"));
    }

    [Fact]
    public async Task A_keyword_folder_of_no_knowledge_base_is_removed_at_start()
    {
        var stray = Path.Combine(Keyword, "999");
        Directory.CreateDirectory(stray);
        await File.WriteAllTextAsync(Path.Combine(stray, "segments_1"), "left by a drop a crash interrupted", _ct);

        using var index = new EmbeddedChunkIndex(_folder);

        Assert.False(Directory.Exists(stray));
    }

    [Fact]
    public async Task A_write_that_fails_before_its_commit_leaves_searches_as_they_were_and_the_next_write_lands()
    {
        using var opened = await KeywordIndexWithOneDocumentAsync();
        var (bm25, connection) = (opened.Index, opened.Connection);
        var before = bm25.Search(connection, _filter, "returns shipping", 10);

        using (var failed = connection.BeginTransaction())
        {
            bm25.Add(connection, failed, [new Bm25Index.Chunk(1000, "t", "kb", [], "shipping takes two days")]);
            bm25.Remove(connection, failed, [new Bm25Index.Chunk((long)before[0].Key, "t", "kb", [], "returns are free")]);
            bm25.Seal(connection, failed);
            failed.Rollback();
            bm25.Abandon();
        }

        Assert.Equal(before, bm25.Search(connection, _filter, "returns shipping", 10));
        using (var next = connection.BeginTransaction())
        {
            bm25.Add(connection, next, [new Bm25Index.Chunk(1001, "t", "kb", [], "shipping takes three days")]);
            bm25.Seal(connection, next);
            next.Commit();
            bm25.Publish();
        }
        Assert.Equal(new[] { before[0].Key, 1001UL }.Order(), bm25.Search(connection, _filter, "shipping returns", 10).Select(h => h.Key).Order());
    }

    [Fact]
    public async Task A_search_after_the_index_is_disposed_is_refused_and_leaves_no_writer_behind()
    {
        var doc = new DocumentRef("t", "kb", "d");
        var index = new EmbeddedChunkIndex(_folder);
        await index.ReplaceDocumentAsync(doc, Chunks(doc, "returns are free"), _ct);
        index.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.SearchKeywordAsync(_filter, "returns", 5, _ct));

        // Nothing holds the folder: it can be deleted, and opened again.
        Assert.Empty(Directory.EnumerateFiles(Keyword, "write.lock", SearchOption.AllDirectories));
        using var reopened = new EmbeddedChunkIndex(_folder);
        Assert.Single(await SearchAsync(reopened, "returns"));
    }

    [Fact]
    public async Task A_second_dispose_during_the_first_returns_only_once_the_files_are_closed()
    {
        // A host's services can be disposed on two threads at once (its own Run and its owner's Dispose). Enough unsaved
        // work that the first dispose takes a while: a keyword index to commit and close for each of 200 knowledge bases.
        var index = new EmbeddedChunkIndex(_folder);
        foreach (var kb in Enumerable.Range(0, 200).Select(i => $"kb{i}"))
        {
            var doc = new DocumentRef("t", kb, "d");
            await index.ReplaceDocumentAsync(doc, Chunks(doc, "returns are free within 30 days"), _ct);
        }
        var first = Task.Run(index.Dispose, _ct);
        // Under way by now, most runs (it takes hundreds of milliseconds); a second that comes first only makes it pass.
        await Task.Delay(50, _ct);

        index.Dispose();

        Assert.Empty(Directory.EnumerateFiles(Keyword, "write.lock", SearchOption.AllDirectories));
        await first;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("write.lock")))
            File.Copy(file, file.Replace(from, to));
    }
}
