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
internal sealed class Bm25Index(Bm25Parameters parameters)
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
            DELETE FROM bm25_scopes WHERE id IN (SELECT id FROM bm25_dropped);
            """);
        command.Parameters.AddWithValue("$kb", knowledgeBaseId);
        command.Parameters.AddWithValue("$t", (object?)tenantId ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Every chunk of the filter's scopes (the tenant's knowledge bases and those shared with it) that holds
    /// a query term and that the filter's access groups may see, with its BM25 score, best first. The group
    /// condition is part of the postings query. Statistics are those of the knowledge bases searched, taken together.
    /// </summary>
    public List<(ulong Key, double Score)> Search(SqliteConnection connection, Core.Ports.ChunkFilter filter, string query)
    {
        // A repeated query term counts once per occurrence; a stop word at its lower weight.
        var queryTerms = FullTextAnalyzer.QueryTerms(query).GroupBy(t => Hash(t.Term)).Select(g => (Term: g.Key, Weight: g.Sum(t => t.Weight))).ToList();
        var scopeList = filter.Scopes;
        if (queryTerms.Count == 0 || scopeList.Count == 0) return [];

        var scopes = new List<long>();
        double docs = 0, length = 0;
        using (var select = connection.CreateCommand())
        {
            var pairs = scopeList.Select((s, i) =>
            {
                select.Parameters.AddWithValue($"$t{i}", s.TenantId);
                select.Parameters.AddWithValue($"$kb{i}", s.KnowledgeBaseId);
                return $"(tenant_id = $t{i} AND kb_id = $kb{i})";
            });
            select.CommandText = $"SELECT id, docs, length FROM bm25_scopes WHERE {string.Join(" OR ", pairs)}";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                scopes.Add(reader.GetInt64(0));
                docs += reader.GetInt64(1);
                length += reader.GetInt64(2);
            }
        }
        if (docs == 0) return [];

        var averageLength = length / docs;
        var scores = new Dictionary<ulong, double>();
        var postings = new List<(ulong Key, int Tf, int Length)>();
        using var read = connection.CreateCommand();
        read.CommandText = filter.Groups is null && filter.Shared is not { Count: > 0 }
            ? $"SELECT key, tf, length FROM bm25_postings WHERE scope IN ({string.Join(",", scopes)}) AND term = $term"
            : $"""
               SELECT p.key, p.tf, p.length FROM bm25_postings p JOIN chunks c ON c.key = p.key
               WHERE p.scope IN ({string.Join(",", scopes)}) AND p.term = $term AND {EmbeddedChunkIndex.VisibleCondition(read, filter, "c.tenant_id", "c.groups")}
               """;
        var termParameter = read.Parameters.Add("$term", SqliteType.Integer);
        foreach (var (term, queryWeight) in queryTerms)
        {
            postings.Clear();
            termParameter.Value = term;
            using (var reader = read.ExecuteReader())
                while (reader.Read()) postings.Add(((ulong)reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2)));
            if (postings.Count == 0) continue;
            var idf = Bm25Parameters.Idf(docs, postings.Count);
            foreach (var (key, tf, chunkLength) in postings)
                scores[key] = scores.GetValueOrDefault(key) + queryWeight * idf * parameters.Saturated(tf, chunkLength, averageLength);
        }
        return scores.Select(s => (s.Key, s.Value)).OrderByDescending(s => s.Value).ThenBy(s => s.Key).ToList();
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
