using System.Collections.Concurrent;
using System.Text.Json;
using Cloud.Unum.USearch;
using KnowledgePlatform.Core.Ports;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// The embedded chunk index: dense vectors in one USearch HNSW index per knowledge base and BM25 full
/// text in SQLite FTS5, under {DataPath}/index/. Both are derived data: the metadata database holds
/// every chunk with its embedding, and <see cref="EmbeddedIndexBootstrapper"/> rebuilds what is missing.
/// Every query is scoped by tenant and knowledge base inside SQL; a vector hit is only returned when its
/// row matches the tenant.
/// </summary>
public sealed class EmbeddedChunkIndex : IChunkIndex, IDisposable
{
    private readonly string _folder;
    private readonly int _dimension;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, VectorIndex> _vectors = new();
    private readonly Timer _flushTimer;

    public EmbeddedChunkIndex(string folder, int dimension)
    {
        _folder = folder;
        _dimension = dimension;
        Directory.CreateDirectory(Path.Combine(folder, "vectors"));
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "fulltext.db"), Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS chunks(
                key INTEGER PRIMARY KEY AUTOINCREMENT,
                chunk_id TEXT NOT NULL UNIQUE,
                tenant_id TEXT NOT NULL,
                kb_id TEXT NOT NULL,
                document_id TEXT NOT NULL,
                payload TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_chunks_scope ON chunks(tenant_id, kb_id, document_id);
            CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
                title, heading, text, tokenize = 'porter unicode61 remove_diacritics 2');
            """);
        _flushTimer = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    public async Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var chunk in chunks)
        {
            if (chunk.Vector.Length != _dimension)
                throw new ArgumentException($"Chunk {chunk.Payload.ChunkId} has {chunk.Vector.Length} dimensions; the index has {_dimension}.", nameof(chunks));
            if (chunk.Payload.TenantId != document.TenantId || chunk.Payload.KnowledgeBaseId != document.KnowledgeBaseId || chunk.Payload.DocumentId != document.DocumentId)
                throw new ArgumentException($"Chunk {chunk.Payload.ChunkId} does not belong to {document}.", nameof(chunks));
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Full text and the key map change in one transaction: searches see the old or the new set.
            using var connection = Open();
            // Derived data (ADR 0002): a commit need not wait for the disk; after a crash the start-up
            // check finds what the last commits lost and rebuilds it from the database.
            Execute(connection, "PRAGMA synchronous = NORMAL");
            using var tx = connection.BeginTransaction();
            var oldKeys = DeleteRows(connection, tx, document);
            var newKeys = new List<(ulong Key, ReadOnlyMemory<float> Vector)>(chunks.Count);
            using (var insert = new RowInserter(connection, tx))
            {
                foreach (var chunk in chunks)
                    newKeys.Add((insert.Add(chunk.Payload), chunk.Vector));
            }
            tx.Commit();

            var vectors = Vectors(document.KnowledgeBaseId);
            vectors.Remove(oldKeys);
            vectors.Add(newKeys);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            var keys = DeleteRows(connection, tx, document);
            tx.Commit();
            Vectors(document.KnowledgeBaseId).Remove(keys);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            Execute(connection, """
                DELETE FROM chunks_fts WHERE rowid IN (SELECT key FROM chunks WHERE tenant_id = $t AND kb_id = $kb);
                DELETE FROM chunks WHERE tenant_id = $t AND kb_id = $kb;
                """, tx, ("$t", tenantId), ("$kb", knowledgeBaseId));
            tx.Commit();
            if (_vectors.TryRemove(knowledgeBaseId, out var vectors)) vectors.Dispose();
            File.Delete(VectorPath(knowledgeBaseId));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken)
    {
        var candidates = new List<(ulong Key, float Similarity)>();
        foreach (var kb in filter.KnowledgeBaseIds.Distinct())
        {
            if (!File.Exists(VectorPath(kb)) && !_vectors.ContainsKey(kb)) continue;
            // Over-fetch when filtering by document, since those rows are dropped below.
            candidates.AddRange(Vectors(kb).Search(vector, filter.DocumentIds is null ? top : top * 4));
        }
        if (candidates.Count == 0) return Task.FromResult<IReadOnlyList<ChunkHit>>([]);

        using var connection = Open();
        var payloads = LoadPayloads(connection, filter, candidates.Select(c => c.Key));
        IReadOnlyList<ChunkHit> hits = candidates
            .Where(c => payloads.ContainsKey(c.Key))
            .OrderByDescending(c => c.Similarity)
            .Take(top)
            .Select(c => new ChunkHit(payloads[c.Key], c.Similarity))
            .ToList();
        return Task.FromResult(hits);
    }

    public Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken)
    {
        var match = FullTextQuery.Build(query);
        if (match.Length == 0 || filter.KnowledgeBaseIds.Count == 0) return Task.FromResult<IReadOnlyList<ChunkHit>>([]);
        using var connection = Open();
        using var command = connection.CreateCommand();
        // bm25() is lower-is-better; column weights favour titles and headings over body text.
        command.CommandText = $"""
            SELECT c.payload, -bm25(chunks_fts, 2.0, 1.5, 1.0) AS score
            FROM chunks_fts JOIN chunks c ON c.key = chunks_fts.rowid
            WHERE chunks_fts MATCH $match AND c.tenant_id = $t AND {InList(command, "c.kb_id", "kb", filter.KnowledgeBaseIds)}
                  {(filter.DocumentIds is { } docs ? "AND " + InList(command, "c.document_id", "doc", docs) : "")}
            ORDER BY score DESC LIMIT $top
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$t", filter.TenantId);
        command.Parameters.AddWithValue("$top", top);
        var hits = new List<ChunkHit>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            hits.Add(new ChunkHit(Deserialize(reader.GetString(0)), reader.GetDouble(1)));
        return Task.FromResult<IReadOnlyList<ChunkHit>>(hits);
    }

    public Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM chunks WHERE tenant_id = $t AND {InList(command, "kb_id", "kb", filter.KnowledgeBaseIds)}";
        command.Parameters.AddWithValue("$t", filter.TenantId);
        return Task.FromResult((long)command.ExecuteScalar()!);
    }

    /// <summary>Chunk ids per knowledge base and how many vectors each vector file holds, to detect drift.</summary>
    internal (IReadOnlyDictionary<string, long> Rows, IReadOnlyDictionary<string, long> Vectors) Inventory()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kb_id, count(*) FROM chunks GROUP BY kb_id";
        var rows = new Dictionary<string, long>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) rows[reader.GetString(0)] = reader.GetInt64(1);
        var vectors = rows.Keys.ToDictionary(kb => kb, kb => File.Exists(VectorPath(kb)) || _vectors.ContainsKey(kb) ? Vectors(kb).Count : 0L);
        return (rows, vectors);
    }

    /// <summary>Drops everything indexed for a knowledge base (rows and vector file) before a rebuild.</summary>
    internal void Reset(string knowledgeBaseId)
    {
        using var connection = Open();
        Execute(connection, """
            DELETE FROM chunks_fts WHERE rowid IN (SELECT key FROM chunks WHERE kb_id = $kb);
            DELETE FROM chunks WHERE kb_id = $kb;
            """, null, ("$kb", knowledgeBaseId));
        if (_vectors.TryRemove(knowledgeBaseId, out var vectors)) vectors.Dispose();
        File.Delete(VectorPath(knowledgeBaseId));
    }

    /// <summary>Writes changed vector indexes to disk (also every two seconds and on dispose).</summary>
    public void Flush()
    {
        foreach (var vectors in _vectors.Values) vectors.SaveIfDirty();
    }

    public void Dispose()
    {
        _flushTimer.Dispose();
        Flush();
        foreach (var vectors in _vectors.Values) vectors.Dispose();
        _vectors.Clear();
        _writeLock.Dispose();
    }

    private VectorIndex Vectors(string knowledgeBaseId) =>
        _vectors.GetOrAdd(knowledgeBaseId, kb => new VectorIndex(VectorPath(kb), _dimension));

    private string VectorPath(string knowledgeBaseId) =>
        Path.Combine(_folder, "vectors", string.Concat(knowledgeBaseId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".usearch");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static List<ulong> DeleteRows(SqliteConnection connection, SqliteTransaction tx, DocumentRef document)
    {
        var keys = new List<ulong>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = "SELECT key FROM chunks WHERE tenant_id = $t AND kb_id = $kb AND document_id = $doc";
            select.Parameters.AddWithValue("$t", document.TenantId);
            select.Parameters.AddWithValue("$kb", document.KnowledgeBaseId);
            select.Parameters.AddWithValue("$doc", document.DocumentId);
            using var reader = select.ExecuteReader();
            while (reader.Read()) keys.Add((ulong)reader.GetInt64(0));
        }
        Execute(connection, """
            DELETE FROM chunks_fts WHERE rowid IN (SELECT key FROM chunks WHERE tenant_id = $t AND kb_id = $kb AND document_id = $doc);
            DELETE FROM chunks WHERE tenant_id = $t AND kb_id = $kb AND document_id = $doc;
            """, tx, ("$t", document.TenantId), ("$kb", document.KnowledgeBaseId), ("$doc", document.DocumentId));
        return keys;
    }

    /// <summary>Inserts chunk rows and their full-text entries with two commands prepared once per document.</summary>
    private sealed class RowInserter : IDisposable
    {
        private readonly SqliteCommand _row;
        private readonly SqliteCommand _text;

        public RowInserter(SqliteConnection connection, SqliteTransaction tx)
        {
            _row = connection.CreateCommand();
            _row.Transaction = tx;
            _row.CommandText = """
                INSERT INTO chunks(chunk_id, tenant_id, kb_id, document_id, payload) VALUES ($id, $t, $kb, $doc, $payload)
                ON CONFLICT(chunk_id) DO UPDATE SET payload = excluded.payload
                RETURNING key
                """;
            foreach (var name in (string[])["$id", "$t", "$kb", "$doc", "$payload"]) _row.Parameters.Add(name, SqliteType.Text);
            _text = connection.CreateCommand();
            _text.Transaction = tx;
            _text.CommandText = "INSERT INTO chunks_fts(rowid, title, heading, text) VALUES ($key, $title, $heading, $text)";
            _text.Parameters.Add("$key", SqliteType.Integer);
            foreach (var name in (string[])["$title", "$heading", "$text"]) _text.Parameters.Add(name, SqliteType.Text);
        }

        public ulong Add(ChunkPayload payload)
        {
            _row.Parameters["$id"].Value = payload.ChunkId;
            _row.Parameters["$t"].Value = payload.TenantId;
            _row.Parameters["$kb"].Value = payload.KnowledgeBaseId;
            _row.Parameters["$doc"].Value = payload.DocumentId;
            _row.Parameters["$payload"].Value = JsonSerializer.Serialize(payload);
            var key = (long)_row.ExecuteScalar()!;
            _text.Parameters["$key"].Value = key;
            _text.Parameters["$title"].Value = payload.DocumentTitle;
            _text.Parameters["$heading"].Value = payload.HeadingPath;
            _text.Parameters["$text"].Value = payload.Text;
            _text.ExecuteNonQuery();
            return (ulong)key;
        }

        public void Dispose()
        {
            _row.Dispose();
            _text.Dispose();
        }
    }

    private static Dictionary<ulong, ChunkPayload> LoadPayloads(SqliteConnection connection, ChunkFilter filter, IEnumerable<ulong> keys)
    {
        using var command = connection.CreateCommand();
        var keyList = string.Join(",", keys.Distinct().Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        command.CommandText = $"""
            SELECT key, payload FROM chunks
            WHERE key IN ({keyList}) AND tenant_id = $t AND {InList(command, "kb_id", "kb", filter.KnowledgeBaseIds)}
                  {(filter.DocumentIds is { } docs ? "AND " + InList(command, "document_id", "doc", docs) : "")}
            """;
        command.Parameters.AddWithValue("$t", filter.TenantId);
        var result = new Dictionary<ulong, ChunkPayload>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) result[(ulong)reader.GetInt64(0)] = Deserialize(reader.GetString(1));
        return result;
    }

    private static string InList(SqliteCommand command, string column, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return "0";
        var names = values.Select((v, i) =>
        {
            command.Parameters.AddWithValue($"${name}{i}", v);
            return $"${name}{i}";
        });
        return $"{column} IN ({string.Join(",", names)})";
    }

    private static ChunkPayload Deserialize(string json) => JsonSerializer.Deserialize<ChunkPayload>(json)!;

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    /// <summary>One knowledge base's HNSW index, loaded from and saved to its file.</summary>
    private sealed class VectorIndex : IDisposable
    {
        private readonly string _path;
        private readonly USearchIndex _index;
        private readonly Lock _lock = new();
        private bool _dirty;

        public VectorIndex(string path, int dimension)
        {
            _path = path;
            _index = File.Exists(path)
                ? new USearchIndex(path, false)
                : new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimension, 16, 128, 64, false);
            if ((int)_index.Dimensions() != dimension)
                throw new InvalidOperationException($"The vector index {path} has {_index.Dimensions()} dimensions; the embedding model has {dimension}. Delete the file to rebuild it.");
        }

        public long Count
        {
            get { lock (_lock) return (long)_index.Size(); }
        }

        public void Add(IEnumerable<(ulong Key, ReadOnlyMemory<float> Vector)> items)
        {
            lock (_lock)
            {
                foreach (var (key, vector) in items)
                {
                    if (_index.Contains(key)) _index.Remove(key);
                    _index.Add(key, vector.ToArray());
                }
                _dirty = true;
            }
        }

        public void Remove(IEnumerable<ulong> keys)
        {
            lock (_lock)
            {
                foreach (var key in keys) _index.Remove(key);
                _dirty = true;
            }
        }

        public IEnumerable<(ulong Key, float Similarity)> Search(ReadOnlyMemory<float> vector, int count)
        {
            ulong[] keys;
            float[] distances;
            int found;
            lock (_lock)
            {
                if (_index.Size() == 0) return [];
                found = _index.Search(vector.ToArray(), count, out keys, out distances);
            }
            // USearch's cosine metric returns a distance: 1 - cosine similarity.
            return Enumerable.Range(0, found).Select(i => (keys[i], 1f - distances[i])).ToList();
        }

        public void SaveIfDirty()
        {
            lock (_lock)
            {
                if (!_dirty) return;
                var temp = _path + ".saving";
                _index.Save(temp);
                File.Move(temp, _path, overwrite: true);
                _dirty = false;
            }
        }

        public void Dispose()
        {
            lock (_lock) _index.Dispose();
        }
    }
}
