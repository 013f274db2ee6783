// Over 300 lines: the BM25 statistics, the scopes' Lucene indexes and the write protocol that keeps the two in step (add, remove, seal, publish, abandon) are one invariant.
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.Core.Text;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// Okapi BM25 for the embedded index (decisions 10, 130 and 0166). Postings live in one Lucene.NET index per tenant and
/// knowledge base (<see cref="Bm25ScopeIndex"/>, under {DataPath}/index/keyword/); the statistics BM25 needs (chunks
/// and total length per scope; per term its document frequency, largest tf and shortest chunk, the bounds of MaxScore)
/// live in the full-text SQLite database, written in the same transaction as the chunk rows, so they are exact. Terms
/// come from <see cref="FullTextAnalyzer"/>; the statistics key them by a 64-bit FNV-1a hash.
/// Writes are the caller's to serialise: changes go to the open transaction and the scopes' writers, <see cref="Seal"/>
/// before the commit, <see cref="Publish"/> after it (while searches are held off), <see cref="Abandon"/> on failure.
/// </summary>
internal sealed partial class Bm25Index(string folder, Bm25Parameters parameters, Func<SqliteConnection> open) : IDisposable
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS bm25_scopes(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant_id TEXT NOT NULL,
            kb_id TEXT NOT NULL,
            docs INTEGER NOT NULL DEFAULT 0,
            length INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 0,
            UNIQUE(tenant_id, kb_id));
        CREATE TABLE IF NOT EXISTS bm25_terms(
            scope INTEGER NOT NULL,
            term INTEGER NOT NULL,
            df INTEGER NOT NULL,
            max_tf INTEGER NOT NULL,
            min_length INTEGER NOT NULL,
            PRIMARY KEY(scope, term)) WITHOUT ROWID;
        """;

    private readonly ConcurrentDictionary<long, Lazy<Bm25ScopeIndex>> _scopes = new();
    private readonly HashSet<long> _touched = [];
    private readonly List<long> _dropped = [];
    private readonly Dictionary<long, long> _sealed = [];
    private volatile bool _disposed;

    /// <summary>The folder of every scope's Lucene index.</summary>
    public string Folder { get; } = Path.Combine(folder, "keyword");

    /// <summary>A chunk to index: its key, scope, access groups and searchable text.</summary>
    public readonly record struct Chunk(long Key, string TenantId, string KnowledgeBaseId, IReadOnlyList<string> Groups, string Text);

    /// <summary>Indexes new chunks in the caller's transaction: texts analysed in parallel, each scope's statistics updated once per term.</summary>
    public void Add(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Chunk> chunks, Analysed[]? analysed = null)
    {
        if (chunks.Count == 0) return;
        analysed ??= Analyse([.. chunks.Select(c => c.Text)]);
        var scopes = ScopeIds(connection, tx, chunks);
        // The postings go into Lucene from the pool while this thread writes the statistics to SQLite.
        var postings = Task.Run(() => Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => Scope(scopes[(chunks[i].TenantId, chunks[i].KnowledgeBaseId)]).Add(chunks[i].Key, chunks[i].Groups, analysed[i].Terms)));
        try
        {
            AddStatistics(connection, tx, chunks, analysed, scopes);
        }
        finally
        {
            postings.GetAwaiter().GetResult();
        }
    }

    private static void AddStatistics(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Chunk> chunks, Analysed[] analysed, Dictionary<(string, string), long> scopes)
    {
        CountDocuments(connection, tx, chunks.Select((c, i) => (Scope: scopes[(c.TenantId, c.KnowledgeBaseId)], analysed[i]))
            .SelectMany(x => x.Item2.Frequencies.Select(f => (x.Scope, Term: f.Key, Tf: f.Value, x.Item2.Terms.Count)))
            .GroupBy(p => (p.Scope, p.Term))
            .Select(g => (g.Key.Scope, g.Key.Term, g.Count(), g.Max(p => p.Tf), g.Min(p => p.Count))));
        UpdateScopes(connection, tx, chunks, analysed, scopes, +1);
    }

    /// <summary>Removes chunks (given with the text they were indexed with) and their share of the statistics.</summary>
    public void Remove(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Chunk> chunks)
    {
        if (chunks.Count == 0) return;
        var analysed = Analyse([.. chunks.Select(c => c.Text)]);
        var scopes = ScopeIds(connection, tx, chunks);
        // The largest tf and shortest length stay as they were: still bounds, if looser ones.
        CountDocuments(connection, tx, chunks.Select((c, i) => (Scope: scopes[(c.TenantId, c.KnowledgeBaseId)], analysed[i]))
            .SelectMany(x => x.Item2.Frequencies.Keys.Select(term => (x.Scope, Term: term)))
            .GroupBy(p => p)
            .Select(g => (g.Key.Scope, g.Key.Term, -g.Count(), 0, int.MaxValue)));
        UpdateScopes(connection, tx, chunks, analysed, scopes, -1);
        foreach (var group in chunks.GroupBy(c => scopes[(c.TenantId, c.KnowledgeBaseId)]))
            Scope(group.Key).Delete(group.Select(c => c.Key));
    }

    /// <summary>Drops a knowledge base's statistics (its index folder goes at <see cref="Publish"/>); without a tenant, every tenant's scope of that id.</summary>
    public void RemoveScope(SqliteConnection connection, SqliteTransaction? tx, string? tenantId, string knowledgeBaseId)
    {
        using var command = Command(connection, tx, """
            DELETE FROM bm25_scopes WHERE kb_id = $kb AND ($t IS NULL OR tenant_id = $t) RETURNING id
            """);
        command.Parameters.AddWithValue("$kb", knowledgeBaseId);
        command.Parameters.AddWithValue("$t", (object?)tenantId ?? DBNull.Value);
        var ids = new List<long>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) ids.Add(reader.GetInt64(0));
        using var terms = Command(connection, tx, $"DELETE FROM bm25_terms WHERE scope IN ({string.Join(",", ids)})");
        terms.ExecuteNonQuery();
        _dropped.AddRange(ids);
    }

    /// <summary>Before the commit: moves the version of every scope changed, so an index folder left behind by a crash is known to be.</summary>
    public void Seal(SqliteConnection connection, SqliteTransaction tx)
    {
        foreach (var scope in _touched.Except(_dropped))
        {
            using var command = Command(connection, tx, "UPDATE bm25_scopes SET version = version + 1 WHERE id = $s RETURNING version");
            command.Parameters.AddWithValue("$s", scope);
            _sealed[scope] = (long)command.ExecuteScalar()!;
        }
    }

    /// <summary>After the commit, while searches are held off: changed scopes show their changes, dropped ones are deleted.</summary>
    public void Publish()
    {
        foreach (var (scope, version) in _sealed) Scope(scope).Publish(version);
        foreach (var scope in _dropped)
        {
            if (_scopes.TryRemove(scope, out var index) && index.IsValueCreated) index.Value.Dispose();
            if (Directory.Exists(ScopeFolder(scope))) Directory.Delete(ScopeFolder(scope), recursive: true);
        }
        Clear();
    }

    /// <summary>After a failed write, while searches are held off: the scopes changed drop what they were given and reopen from their last commit.</summary>
    public void Abandon()
    {
        foreach (var scope in _touched)
            if (_scopes.TryRemove(scope, out var index) && index.IsValueCreated)
                index.Value.Abandon();
        Clear();
    }

    private void Clear()
    {
        _touched.Clear();
        _dropped.Clear();
        _sealed.Clear();
    }

    /// <summary>Commits the scopes whose changes settled (see <see cref="Bm25ScopeIndex.CommitIfChanged"/>), or all of them. The caller holds off writes.</summary>
    public void Commit(TimeSpan? settle = null, TimeSpan? atMost = null)
    {
        foreach (var index in _scopes.Values.Where(s => s.IsValueCreated)) index.Value.CommitIfChanged(settle, atMost);
    }

    /// <summary>Whether a scope's writer merged segments its searches do not read yet.</summary>
    public bool Merged => _scopes.Values.Any(s => s.IsValueCreated && s.Value.Behind);

    /// <summary>Has searches read the merged segments. The caller holds off writes and searches.</summary>
    public void Refresh()
    {
        foreach (var index in _scopes.Values.Where(s => s.IsValueCreated)) index.Value.Refresh();
    }

    /// <summary>Deletes index folders of scopes the database no longer has (a drop interrupted by a crash).</summary>
    public void RemoveStrayFolders(SqliteConnection connection)
    {
        if (!Directory.Exists(Folder)) return;
        using var command = Command(connection, null, "SELECT id FROM bm25_scopes");
        var known = new HashSet<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) known.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var stray in Directory.EnumerateDirectories(Folder).Where(d => !known.Contains(Path.GetFileName(d))))
            Directory.Delete(stray, recursive: true);
    }

    public void Dispose()
    {
        // No scope opens after this: a late search would leave a writer, and its files, behind.
        _disposed = true;
        foreach (var index in _scopes.Values.Where(s => s.IsValueCreated))
        {
            index.Value.CommitIfChanged();
            index.Value.Dispose();
        }
        _scopes.Clear();
    }

    /// <summary>A scope's Lucene index, opened (and rebuilt from its rows when behind them) on first use.</summary>
    private Bm25ScopeIndex Scope(long scope)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var index = _scopes.GetOrAdd(scope, id => new Lazy<Bm25ScopeIndex>(() => OpenScope(id)));
        try
        {
            return index.Value;
        }
        catch
        {
            // A failed open is not kept: the next use tries again.
            _scopes.TryRemove(KeyValuePair.Create(scope, index));
            throw;
        }
    }

    /// <summary>Opens a scope's folder at the version of its committed rows, which it is rebuilt from when it holds another.</summary>
    private Bm25ScopeIndex OpenScope(long scope)
    {
        using var connection = open();
        // One read transaction: the version and the rows are those of one commit.
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var select = Command(connection, snapshot, "SELECT tenant_id, kb_id, version FROM bm25_scopes WHERE id = $s");
        select.Parameters.AddWithValue("$s", scope);
        string? tenantId = null, knowledgeBaseId = null;
        long version = 0;
        using (var reader = select.ExecuteReader())
            if (reader.Read()) (tenantId, knowledgeBaseId, version) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
        return new Bm25ScopeIndex(ScopeFolder(scope), version, add =>
        {
            if (tenantId is null) return;
            using var rows = Command(connection, snapshot, "SELECT key, groups, payload FROM chunks WHERE tenant_id = $t AND kb_id = $kb");
            rows.Parameters.AddWithValue("$t", tenantId);
            rows.Parameters.AddWithValue("$kb", knowledgeBaseId);
            using var reader = rows.ExecuteReader();
            Parallel.ForEach(Read(reader), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, row =>
                add(row.Key, JsonSerializer.Deserialize<string[]>(row.Groups)!, FullTextAnalyzer.Terms(EmbeddedChunkIndex.Deserialize(row.Payload).SearchableText)));
        });

        static IEnumerable<(long Key, string Groups, string Payload)> Read(SqliteDataReader reader)
        {
            while (reader.Read()) yield return (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        }
    }

    private string ScopeFolder(long scope) => Path.Combine(Folder, scope.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A text's terms in order and how often each occurs (by <see cref="Hash"/>).</summary>
    internal readonly record struct Analysed(Dictionary<long, int> Frequencies, List<string> Terms);

    /// <summary>Texts analysed from every core, for <see cref="Add"/>; a caller may start it before it has the chunks' keys.</summary>
    internal static Analysed[] Analyse(IReadOnlyList<string> texts)
    {
        var analysed = new Analysed[texts.Count];
        Parallel.For(0, texts.Count, i =>
        {
            var terms = FullTextAnalyzer.Terms(texts[i]);
            var frequencies = new Dictionary<long, int>();
            foreach (var term in terms) CollectionsMarshal.GetValueRefOrAddDefault(frequencies, Hash(term), out _)++;
            analysed[i] = new Analysed(frequencies, terms);
        });
        return analysed;
    }

    private Dictionary<(string, string), long> ScopeIds(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Chunk> chunks)
    {
        var scopes = chunks.Select(c => (c.TenantId, c.KnowledgeBaseId)).Distinct().ToDictionary(s => s, s => ScopeId(connection, tx, s.TenantId, s.KnowledgeBaseId));
        _touched.UnionWith(scopes.Values);
        return scopes;
    }

    private static void UpdateScopes(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<Chunk> chunks, Analysed[] analysed,
        Dictionary<(string, string), long> scopes, int sign)
    {
        foreach (var group in chunks.Select((c, i) => (Scope: scopes[(c.TenantId, c.KnowledgeBaseId)], analysed[i].Terms.Count)).GroupBy(x => x.Scope))
        {
            using var stats = Command(connection, tx, "UPDATE bm25_scopes SET docs = docs + $n, length = length + $len WHERE id = $s");
            stats.Parameters.AddWithValue("$n", sign * group.Count());
            stats.Parameters.AddWithValue("$len", sign * group.Sum(x => (long)x.Count));
            stats.Parameters.AddWithValue("$s", group.Key);
            stats.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Moves the document frequencies of (scope, term) pairs by the given amounts and widens each term's largest tf
    /// and shortest chunk length (the bounds of its score, decision 130); a term no chunk holds any more is dropped.
    /// </summary>
    private static void CountDocuments(SqliteConnection connection, SqliteTransaction tx, IEnumerable<(long Scope, long Term, int Change, int MaxTf, int MinLength)> changes)
    {
        using var upsert = Command(connection, tx, """
            INSERT INTO bm25_terms(scope, term, df, max_tf, min_length) VALUES ($s, $term, $n, $tf, $len)
            ON CONFLICT(scope, term) DO UPDATE SET df = df + excluded.df, max_tf = max(max_tf, excluded.max_tf), min_length = min(min_length, excluded.min_length)
            """);
        using var drop = Command(connection, tx, "DELETE FROM bm25_terms WHERE scope = $s AND term = $term AND df <= 0");
        var (s, term, n) = (upsert.Parameters.Add("$s", SqliteType.Integer), upsert.Parameters.Add("$term", SqliteType.Integer), upsert.Parameters.Add("$n", SqliteType.Integer));
        var (tf, length) = (upsert.Parameters.Add("$tf", SqliteType.Integer), upsert.Parameters.Add("$len", SqliteType.Integer));
        var (dropScope, dropTerm) = (drop.Parameters.Add("$s", SqliteType.Integer), drop.Parameters.Add("$term", SqliteType.Integer));
        upsert.Prepare();
        foreach (var change in changes)
        {
            (s.Value, term.Value, n.Value, tf.Value, length.Value) = (change.Scope, change.Term, change.Change, change.MaxTf, change.MinLength);
            upsert.ExecuteNonQuery();
            if (change.Change >= 0) continue;
            (dropScope.Value, dropTerm.Value) = (change.Scope, change.Term);
            drop.ExecuteNonQuery();
        }
    }

    private static long ScopeId(SqliteConnection connection, SqliteTransaction tx, string tenantId, string knowledgeBaseId)
    {
        using var command = Command(connection, tx, """
            INSERT INTO bm25_scopes(tenant_id, kb_id) VALUES ($t, $kb) ON CONFLICT(tenant_id, kb_id) DO NOTHING;
            SELECT id FROM bm25_scopes WHERE tenant_id = $t AND kb_id = $kb;
            """);
        command.Parameters.AddWithValue("$t", tenantId);
        command.Parameters.AddWithValue("$kb", knowledgeBaseId);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>64-bit FNV-1a of the term's UTF-8 bytes: a stable id without a vocabulary table.</summary>
    internal static long Hash(string term)
    {
        var hash = 14695981039346656037UL;
        var length = Encoding.UTF8.GetByteCount(term);
        Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(term, bytes);
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }
}
