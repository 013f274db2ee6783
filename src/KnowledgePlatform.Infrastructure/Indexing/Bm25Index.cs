using System.Runtime.InteropServices;
using System.Text;
using KnowledgePlatform.Core.Text;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// Okapi BM25 over an inverted index kept in the full-text SQLite database: postings (term, chunk,
/// term frequency, chunk length) partitioned by tenant and knowledge base, so a search reads only its
/// own scope and the statistics (document count, average length, document frequency) are those of the
/// knowledge bases searched. Terms come from <see cref="FullTextAnalyzer"/> and are stored as 64-bit
/// FNV-1a hashes. Decision 10 says why this replaced FTS5's built-in bm25().
/// </summary>
internal sealed partial class Bm25Index(Bm25Parameters parameters)
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS bm25_scopes(
            id INTEGER PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            kb_id TEXT NOT NULL,
            docs INTEGER NOT NULL DEFAULT 0,
            length INTEGER NOT NULL DEFAULT 0,
            UNIQUE(tenant_id, kb_id));
        CREATE TABLE IF NOT EXISTS bm25_docs(
            key INTEGER PRIMARY KEY,
            scope INTEGER NOT NULL,
            length INTEGER NOT NULL,
            terms BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_bm25_docs_scope ON bm25_docs(scope);
        CREATE TABLE IF NOT EXISTS bm25_postings(
            scope INTEGER NOT NULL,
            term INTEGER NOT NULL,
            key INTEGER NOT NULL,
            tf INTEGER NOT NULL,
            length INTEGER NOT NULL,
            PRIMARY KEY(scope, term, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS bm25_terms(
            scope INTEGER NOT NULL,
            term INTEGER NOT NULL,
            df INTEGER NOT NULL,
            max_tf INTEGER NOT NULL,
            min_length INTEGER NOT NULL,
            PRIMARY KEY(scope, term)) WITHOUT ROWID;
        """;

    public Bm25Parameters Parameters => parameters;

    /// <summary>Indexes one chunk's text under its tenant and knowledge base.</summary>
    public static void Add(SqliteConnection connection, SqliteTransaction tx, long key, string tenantId, string knowledgeBaseId, string text)
    {
        var terms = FullTextAnalyzer.Terms(text);
        var frequencies = new Dictionary<long, int>();
        foreach (var hash in terms.Select(Hash))
            frequencies[hash] = frequencies.GetValueOrDefault(hash) + 1;
        var scope = ScopeId(connection, tx, tenantId, knowledgeBaseId);

        using var insert = Command(connection, tx, "INSERT OR REPLACE INTO bm25_postings(scope, term, key, tf, length) VALUES ($s, $term, $key, $tf, $len)");
        var termParameter = insert.Parameters.Add("$term", SqliteType.Integer);
        var tfParameter = insert.Parameters.Add("$tf", SqliteType.Integer);
        insert.Parameters.AddWithValue("$s", scope);
        insert.Parameters.AddWithValue("$key", key);
        insert.Parameters.AddWithValue("$len", terms.Count);
        foreach (var (term, tf) in frequencies)
        {
            termParameter.Value = term;
            tfParameter.Value = tf;
            insert.ExecuteNonQuery();
        }
        CountDocuments(connection, tx, frequencies.Select(f => (scope, f.Key, 1, f.Value, terms.Count)));

        using var doc = Command(connection, tx, """
            INSERT INTO bm25_docs(key, scope, length, terms) VALUES ($key, $s, $len, $terms);
            UPDATE bm25_scopes SET docs = docs + 1, length = length + $len WHERE id = $s;
            """);
        doc.Parameters.AddWithValue("$key", key);
        doc.Parameters.AddWithValue("$s", scope);
        doc.Parameters.AddWithValue("$len", terms.Count);
        doc.Parameters.AddWithValue("$terms", MemoryMarshal.AsBytes(frequencies.Keys.ToArray().AsSpan()).ToArray());
        doc.ExecuteNonQuery();
    }

    /// <summary>
    /// Indexes many new chunks in the caller's transaction: texts analysed in parallel, postings inserted in
    /// (scope, term, key) order through one prepared statement, each scope's statistics updated once.
    /// </summary>
    public static void AddMany(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<(long Key, string TenantId, string KnowledgeBaseId, string Text)> chunks)
    {
        var analysed = new (Dictionary<long, int> Frequencies, int Length)[chunks.Count];
        Parallel.For(0, chunks.Count, i =>
        {
            var terms = FullTextAnalyzer.Terms(chunks[i].Text);
            var frequencies = new Dictionary<long, int>();
            foreach (var term in terms) CollectionsMarshal.GetValueRefOrAddDefault(frequencies, Hash(term), out _)++;
            analysed[i] = (frequencies, terms.Count);
        });
        var scopes = chunks.Select(c => (c.TenantId, c.KnowledgeBaseId)).Distinct().ToDictionary(s => s, s => ScopeId(connection, tx, s.TenantId, s.KnowledgeBaseId));
        var postings = new List<(long Scope, long Term, long Key, int Tf, int Length)>(analysed.Sum(a => a.Frequencies.Count));
        for (var i = 0; i < chunks.Count; i++)
        {
            var scope = scopes[(chunks[i].TenantId, chunks[i].KnowledgeBaseId)];
            foreach (var (term, tf) in analysed[i].Frequencies) postings.Add((scope, term, chunks[i].Key, tf, analysed[i].Length));
        }
        postings.Sort();

        using (var insert = Command(connection, tx, "INSERT INTO bm25_postings(scope, term, key, tf, length) VALUES ($s, $term, $key, $tf, $len)"))
        {
            var values = new[] { "$s", "$term", "$key", "$tf", "$len" }.Select(n => insert.Parameters.Add(n, SqliteType.Integer)).ToArray();
            insert.Prepare();
            foreach (var (scope, term, key, tf, length) in postings)
            {
                (values[0].Value, values[1].Value, values[2].Value, values[3].Value, values[4].Value) = (scope, term, key, tf, length);
                insert.ExecuteNonQuery();
            }
        }
        CountDocuments(connection, tx, postings.GroupBy(p => (p.Scope, p.Term)).Select(g => (g.Key.Scope, g.Key.Term, g.Count(), g.Max(p => p.Tf), g.Min(p => p.Length))));
        using (var doc = Command(connection, tx, "INSERT INTO bm25_docs(key, scope, length, terms) VALUES ($key, $s, $len, $terms)"))
        {
            var (key, scope, length, terms) = (doc.Parameters.Add("$key", SqliteType.Integer), doc.Parameters.Add("$s", SqliteType.Integer),
                doc.Parameters.Add("$len", SqliteType.Integer), doc.Parameters.Add("$terms", SqliteType.Blob));
            doc.Prepare();
            for (var i = 0; i < chunks.Count; i++)
            {
                (key.Value, scope.Value, length.Value) = (chunks[i].Key, scopes[(chunks[i].TenantId, chunks[i].KnowledgeBaseId)], analysed[i].Length);
                terms.Value = MemoryMarshal.AsBytes(analysed[i].Frequencies.Keys.ToArray().AsSpan()).ToArray();
                doc.ExecuteNonQuery();
            }
        }
        foreach (var group in chunks.Select((c, i) => (Scope: scopes[(c.TenantId, c.KnowledgeBaseId)], analysed[i].Length)).GroupBy(x => x.Scope))
        {
            using var stats = Command(connection, tx, "UPDATE bm25_scopes SET docs = docs + $n, length = length + $len WHERE id = $s");
            stats.Parameters.AddWithValue("$n", group.Count());
            stats.Parameters.AddWithValue("$len", group.Sum(x => (long)x.Length));
            stats.Parameters.AddWithValue("$s", group.Key);
            stats.ExecuteNonQuery();
        }
    }

    /// <summary>Removes chunks: their postings (found through the term list kept with each chunk) and their share of the statistics.</summary>
    public static void Remove(SqliteConnection connection, SqliteTransaction tx, IReadOnlyCollection<ulong> keys)
    {
        if (keys.Count == 0) return;
        var docs = new List<(long Key, long Scope, long Length, long[] Terms)>();
        using (var select = Command(connection, tx, $"SELECT key, scope, length, terms FROM bm25_docs WHERE key IN ({string.Join(",", keys)})"))
        using (var reader = select.ExecuteReader())
            while (reader.Read())
                docs.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), MemoryMarshal.Cast<byte, long>((byte[])reader[3]).ToArray()));

        using var delete = Command(connection, tx, "DELETE FROM bm25_postings WHERE scope = $s AND term = $term AND key = $key");
        var s = delete.Parameters.Add("$s", SqliteType.Integer);
        var term = delete.Parameters.Add("$term", SqliteType.Integer);
        var k = delete.Parameters.Add("$key", SqliteType.Integer);
        using var stats = Command(connection, tx, "UPDATE bm25_scopes SET docs = docs - 1, length = length - $len WHERE id = $s; DELETE FROM bm25_docs WHERE key = $key");
        // The largest tf and shortest length stay as they were: still bounds, if looser ones.
        CountDocuments(connection, tx, docs.SelectMany(d => d.Terms.Select(t => (d.Scope, t))).GroupBy(x => x).Select(g => (g.Key.Scope, g.Key.t, -g.Count(), 0, int.MaxValue)));
        var statsScope = stats.Parameters.Add("$s", SqliteType.Integer);
        var statsLength = stats.Parameters.Add("$len", SqliteType.Integer);
        var statsKey = stats.Parameters.Add("$key", SqliteType.Integer);
        foreach (var doc in docs)
        {
            (s.Value, k.Value) = (doc.Scope, doc.Key);
            foreach (var t in doc.Terms)
            {
                term.Value = t;
                delete.ExecuteNonQuery();
            }
            (statsScope.Value, statsLength.Value, statsKey.Value) = (doc.Scope, doc.Length, doc.Key);
            stats.ExecuteNonQuery();
        }
    }

    /// <summary>Drops a knowledge base's postings and statistics; without a tenant, every tenant's scope of that id.</summary>
    public static void RemoveScope(SqliteConnection connection, SqliteTransaction? tx, string? tenantId, string knowledgeBaseId)
    {
        using var command = Command(connection, tx, """
            CREATE TEMP TABLE IF NOT EXISTS bm25_dropped(id INTEGER PRIMARY KEY);
            DELETE FROM bm25_dropped;
            INSERT INTO bm25_dropped SELECT id FROM bm25_scopes WHERE kb_id = $kb AND ($t IS NULL OR tenant_id = $t);
            DELETE FROM bm25_postings WHERE scope IN (SELECT id FROM bm25_dropped);
            DELETE FROM bm25_docs WHERE scope IN (SELECT id FROM bm25_dropped);
            DELETE FROM bm25_terms WHERE scope IN (SELECT id FROM bm25_dropped);
            DELETE FROM bm25_scopes WHERE id IN (SELECT id FROM bm25_dropped);
            """);
        command.Parameters.AddWithValue("$kb", knowledgeBaseId);
        command.Parameters.AddWithValue("$t", (object?)tenantId ?? DBNull.Value);
        command.ExecuteNonQuery();
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
        foreach (var b in Encoding.UTF8.GetBytes(term))
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
