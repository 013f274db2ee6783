// Over 300 lines: the embedded index keeps its payload store, vector indexes and BM25 under one lock and one set of invariants (decision 10).
using System.Collections.Concurrent;
using System.Text.Json;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Core.Ports;
using Microsoft.Data.Sqlite;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// The embedded chunk index: chunk rows in SQLite, dense vectors in one partitioned <see cref="VectorIndex"/> per knowledge base and BM25
/// (<see cref="Bm25Index"/>: postings in Lucene.NET, statistics in SQLite), under {DataPath}/index/. All are derived data: the
/// metadata database holds every chunk with its embedding, and <see cref="EmbeddedIndexBootstrapper"/>
/// rebuilds what is missing. Every query is scoped by tenant and knowledge base inside SQL; a vector hit
/// is only returned when its row matches the tenant.
/// </summary>
public sealed partial class EmbeddedChunkIndex : IChunkIndex, IDisposable
{
    /// <summary>Version of the tables below; an index written by an older version is dropped and rebuilt from the metadata.</summary>
    private const int SchemaVersion = 6;

    private readonly string _folder;
    private readonly VectorPrecision _precision;
    private readonly string _connectionString;
    private readonly Bm25Index _bm25;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    /// <summary>
    /// A search reads vectors from memory and rows from SQLite in separate steps: it holds this shared while it reads,
    /// and a swap (new vectors in, commit, old vectors out) holds it alone, so no search sees half a swap.
    /// </summary>
    private readonly ReaderWriterLockSlim _visibility = new();
    private volatile bool _disposed;
    private readonly ConcurrentDictionary<string, VectorIndex> _vectors = new();
    private readonly Timer _flushTimer;

    /// <summary>
    /// An index under <paramref name="folder"/>; each knowledge base's vector index takes the dimension of the first vectors
    /// it is given, and is created with <paramref name="precision"/> (one that exists keeps its own).
    /// </summary>
    public EmbeddedChunkIndex(string folder, Bm25Parameters? bm25 = null, VectorPrecision precision = VectorPrecision.Float16)
    {
        _folder = folder;
        _precision = precision;
        Directory.CreateDirectory(Path.Combine(folder, "vectors"));
        // HNSW graphs of the USearch index before decision 0169: their knowledge bases are rebuilt from the metadata database.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "vectors"), "*.usearch")) File.Delete(file);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "fulltext.db"), Pooling = true }.ToString();
        _bm25 = new Bm25Index(folder, bm25 ?? Bm25Parameters.Default, Open);
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        if (ReadSchemaVersion(connection) != SchemaVersion) DropOldSchema(connection);
        Execute(connection, $"""
            CREATE TABLE IF NOT EXISTS chunks(
                key INTEGER PRIMARY KEY AUTOINCREMENT,
                chunk_id TEXT NOT NULL UNIQUE,
                tenant_id TEXT NOT NULL,
                kb_id TEXT NOT NULL,
                document_id TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                groups TEXT NOT NULL DEFAULT '[]',
                payload TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_chunks_scope ON chunks(tenant_id, kb_id, document_id, ordinal);
            {Bm25Index.Schema}
            PRAGMA user_version = {SchemaVersion};
            """);
        _bm25.RemoveStrayFolders(connection);
        _flushTimer = new Timer(_ => FlushSettled(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    public async Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        var dimension = HasVectors(document.KnowledgeBaseId) ? Vectors(document.KnowledgeBaseId).Dimension : chunks.Count > 0 ? chunks[0].Vector.Length : 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Vector.Length != dimension)
                throw new ArgumentException(
                    $"Chunk {chunk.Payload.ChunkId} has {chunk.Vector.Length} dimensions; the vector index of knowledge base {document.KnowledgeBaseId} has {dimension}.", nameof(chunks));
            if (chunk.Payload.TenantId != document.TenantId || chunk.Payload.KnowledgeBaseId != document.KnowledgeBaseId || chunk.Payload.DocumentId != document.DocumentId)
                throw new ArgumentException($"Chunk {chunk.Payload.ChunkId} does not belong to {document}.", nameof(chunks));
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Searches must see the old chunks or the new ones, never both and never neither. Rows (full
            // text and payloads) swap in one transaction; a vector only counts once its row is visible.
            // So: new vectors in first (invisible: their rows are uncommitted), then commit and old vectors out
            // at one instant. The new vectors go in outside that instant: a cut they make due runs while searches go on.
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            var oldKeys = DeleteRows(connection, tx, document);
            var newKeys = new List<(ulong Key, ReadOnlyMemory<float> Vector)>(chunks.Count);
            foreach (var chunk in chunks)
                newKeys.Add((InsertRow(connection, tx, chunk.Payload), chunk.Vector));
            _bm25.Add(connection, tx, [.. chunks.Select((c, i) => Bm25Chunk((long)newKeys[i].Key, c.Payload))]);
            var vectors = dimension > 0 ? Vectors(document.KnowledgeBaseId, dimension) : null;
            vectors?.Add(newKeys);
            Commit(connection, tx, after: () => vectors?.Remove(oldKeys));
        }
        catch
        {
            Swap(_bm25.Abandon);
            throw;
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
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            var keys = DeleteRows(connection, tx, document);
            Commit(connection, tx, after: () =>
            {
                if (HasVectors(document.KnowledgeBaseId)) Vectors(document.KnowledgeBaseId).Remove(keys);
            });
        }
        catch
        {
            Swap(_bm25.Abandon);
            throw;
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
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            _bm25.RemoveScope(connection, tx, tenantId, knowledgeBaseId);
            Execute(connection, "DELETE FROM chunks WHERE tenant_id = $t AND kb_id = $kb", tx, ("$t", tenantId), ("$kb", knowledgeBaseId));
            Commit(connection, tx, after: () =>
            {
                if (_vectors.TryRemove(knowledgeBaseId, out var vectors)) vectors.Dispose();
                File.Delete(VectorPath(knowledgeBaseId));
            });
        }
        catch
        {
            Swap(_bm25.Abandon);
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// On a pool thread: a hybrid search starts this and the keyword search before it awaits either, so at a million
    /// chunks the two signals take the time of the slower one instead of the sum (retrieval.md).
    /// </summary>
    public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken) =>
        Task.Run(() => Visible(() => SearchDense(filter, vector, top)), cancellationToken);

    /// <summary>The same sweeping <paramref name="probes"/> partitions of each vector index, for benchmarks of recall against breadth.</summary>
    internal Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, int probes, CancellationToken cancellationToken) =>
        Task.Run(() => Visible(() => SearchDense(filter, vector, top, probes)), cancellationToken);

    /// <summary>How many partitions a knowledge base's vectors are cut into, and how many a search sweeps.</summary>
    internal (int Partitions, int Probes) VectorPartitionsOf(string knowledgeBaseId)
    {
        var partitions = HasVectors(knowledgeBaseId) ? Vectors(knowledgeBaseId).Partitions : 1;
        return (partitions, VectorPartitioning.ProbesFor(partitions));
    }

    /// <summary>A query vector must have the dimensions of the knowledge base's embedding model.</summary>
    private void RequireDimension(string knowledgeBaseId, ReadOnlyMemory<float> vector)
    {
        if (Vectors(knowledgeBaseId).Dimension != vector.Length)
            throw new ArgumentException(
                $"The query vector has {vector.Length} dimensions but knowledge base {knowledgeBaseId} was embedded with {Vectors(knowledgeBaseId).Dimension}: it needs its own embedding model.", nameof(vector));
    }

    private IReadOnlyList<ChunkHit> SearchDense(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, int? probes = null)
    {
        var kbs = filter.Scopes.Select(s => s.KnowledgeBaseId).Distinct().Where(HasVectors).ToList();
        if (kbs.Count == 0) return [];
        foreach (var kb in kbs) RequireDimension(kb, vector);
        using var connection = Open();
        // A narrowing filter drops rows after the vector search: ask for more until enough pass or the indexes are exhausted.
        for (var fetch = filter.Narrows ? top * 4 : top; ; fetch *= 4)
        {
            var candidates = kbs.SelectMany(kb => Vectors(kb).Search(vector, fetch, probes)).ToList();
            var payloads = LoadPayloads(connection, filter, candidates.Select(c => c.Key));
            var hits = candidates
                .Where(c => payloads.ContainsKey(c.Key))
                .OrderByDescending(c => c.Similarity)
                .Take(top)
                .Select(c => new ChunkHit(payloads[c.Key], c.Similarity))
                .ToList();
            if (hits.Count >= top || kbs.All(kb => Vectors(kb).Count <= fetch))
                return hits;
        }
    }

    public Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken) =>
        Task.FromResult(Visible(() => SearchKeyword(filter, query, top, filter.Narrows)));

    /// <summary>
    /// The same search scoring every posting of every query term, as before MaxScore pruning (decision 130): the
    /// baseline <c>kp-bench eval --latency-at</c> measures the pruned search against, on the same index in the same run.
    /// </summary>
    public Task<IReadOnlyList<ChunkHit>> SearchKeywordScoringEveryPostingAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken) =>
        Task.FromResult(Visible(() => SearchKeyword(filter, query, top, everyPosting: true)));

    private IReadOnlyList<ChunkHit> SearchKeyword(ChunkFilter filter, string query, int top, bool everyPosting)
    {
        using var connection = Open();
        // Only the best `top` are needed unless filters drop payloads afterwards (tags, dates, documents): then every match, in order.
        var scored = _bm25.Search(connection, filter, query, everyPosting ? int.MaxValue : top);
        var hits = new List<ChunkHit>(Math.Min(top, scored.Count));
        // Payloads load best first, in pages, with the whole filter applied, until enough pass.
        for (var page = 0; hits.Count < top && page * top < scored.Count; page++)
        {
            var slice = scored.Skip(page * top).Take(top).ToList();
            var payloads = LoadPayloads(connection, filter, slice.Select(s => s.Key));
            hits.AddRange(slice.Where(s => payloads.ContainsKey(s.Key)).Select(s => new ChunkHit(payloads[s.Key], s.Score)).Take(top - hits.Count));
        }
        return hits;
    }

    /// <summary>Runs a read while no swap is in progress (see <see cref="_visibility"/>).</summary>
    private T Visible<T>(Func<T> read)
    {
        _visibility.EnterReadLock();
        try
        {
            // A search that comes after dispose (a background job finishing while the host stops) finds nothing open.
            ObjectDisposedException.ThrowIf(_disposed, this);
            return read();
        }
        finally
        {
            _visibility.ExitReadLock();
        }
    }

    /// <summary>
    /// Commits a write and makes it visible at one instant: the commit, the BM25 postings of the changed scopes, then
    /// <paramref name="after"/> (vectors out). New vectors go in before it: invisible until their rows commit.
    /// </summary>
    private void Commit(SqliteConnection connection, SqliteTransaction tx, Action? after = null)
    {
        _bm25.Seal(connection, tx);
        Swap(() =>
        {
            tx.Commit();
            _bm25.Publish();
            after?.Invoke();
        });
    }

    /// <summary>Makes a change visible to searches at one instant: vectors and committed rows move together.</summary>
    private void Swap(Action change)
    {
        _visibility.EnterWriteLock();
        try
        {
            change();
        }
        finally
        {
            _visibility.ExitWriteLock();
        }
    }

    public Task<IReadOnlyList<ChunkPayload>> GetDocumentChunksAsync(ChunkFilter filter, string documentId, int fromOrdinal, int toOrdinal, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT payload FROM chunks
            WHERE {Scope(command, filter)} AND document_id = $doc
                  AND ordinal BETWEEN $from AND $to
            ORDER BY ordinal
            """;
        command.Parameters.AddWithValue("$doc", documentId);
        command.Parameters.AddWithValue("$from", fromOrdinal);
        command.Parameters.AddWithValue("$to", toOrdinal);
        var chunks = new List<ChunkPayload>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) chunks.Add(Deserialize(reader.GetString(0)));
        return Task.FromResult<IReadOnlyList<ChunkPayload>>(chunks.Where(filter.Matches).ToList());
    }

    public Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        var documents = filter.DocumentIds is { } docs ? "AND " + InList(command, "document_id", "doc", docs) : "";
        if (filter.Tags is null && filter.EffectiveFrom is null && filter.EffectiveTo is null)
        {
            command.CommandText = $"SELECT count(*) FROM chunks WHERE {Scope(command, filter)} {documents}";
            return Task.FromResult((long)command.ExecuteScalar()!);
        }
        // Tags and dates live in the payload: counted as searches filter them.
        command.CommandText = $"SELECT payload FROM chunks WHERE {Scope(command, filter)} {documents}";
        long count = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
            if (filter.Matches(Deserialize(reader.GetString(0)))) count++;
        return Task.FromResult(count);
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
        var vectors = rows.Keys.ToDictionary(kb => kb, kb => HasVectors(kb) ? Vectors(kb).Count : 0L);
        return (rows, vectors);
    }

    /// <summary>Drops everything indexed for a knowledge base (rows and vector file) before a rebuild.</summary>
    internal void Reset(string knowledgeBaseId)
    {
        _writeLock.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            _bm25.RemoveScope(connection, tx, null, knowledgeBaseId);
            Execute(connection, "DELETE FROM chunks WHERE kb_id = $kb", tx, ("$kb", knowledgeBaseId));
            Commit(connection, tx, after: () =>
            {
                if (_vectors.TryRemove(knowledgeBaseId, out var vectors)) vectors.Dispose();
                File.Delete(VectorPath(knowledgeBaseId));
            });
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes changed vector and BM25 indexes to disk now (the timer does it once changes settle, and dispose does it too).</summary>
    public void Flush()
    {
        _writeLock.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var vectors in _vectors.Values) vectors.SaveIfDirty();
            _bm25.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The timer's save: a vector index is written once it has been unchanged for two seconds, or a minute
    /// after its last save while it keeps changing. Saving a 100,000-vector file every two seconds of a
    /// bulk ingestion would cost more than the ingestion; a crash before the save is repaired at start-up.
    /// </summary>
    private void FlushSettled()
    {
        if (_disposed) return;
        foreach (var vectors in _vectors.Values) vectors.SaveIfDirty(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));
        // A BM25 commit must not take half a write with it: skipped while one is under way, tried again on the next tick.
        if (!_writeLock.Wait(0)) return;
        try
        {
            if (_disposed) return;
            _bm25.Commit(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1));
            if (_bm25.Merged) Swap(_bm25.Refresh);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Saves and closes everything. Every caller returns only once the files are closed: a host's services can be disposed
    /// on two threads at once (its own Run and its owner's Dispose), and the second must not return while the first still
    /// writes (a test, or an operator's script, deletes the data folder next).
    /// </summary>
    public void Dispose()
    {
        // Waits for a write in progress, so the last save holds it, and for a dispose in progress; a write that comes later is refused.
        _writeLock.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            using (var stopped = new ManualResetEvent(false))
                if (_flushTimer.Dispose(stopped)) stopped.WaitOne();
            foreach (var vectors in _vectors.Values) vectors.SaveIfDirty();
            Swap(() =>
            {
                foreach (var vectors in _vectors.Values) vectors.Dispose();
                _vectors.Clear();
                _bm25.Dispose();
            });
            // Close the pooled connections too: an index opened again later (or rebuilt after its files were
            // deleted) must not be handed a connection to the old, unlinked file.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private bool HasVectors(string knowledgeBaseId) => _vectors.ContainsKey(knowledgeBaseId) || File.Exists(VectorPath(knowledgeBaseId));

    /// <summary>The knowledge base's vector index: loaded from its file, or created with <paramref name="dimension"/> when it has none.</summary>
    private VectorIndex Vectors(string knowledgeBaseId, int dimension = 0) =>
        _vectors.GetOrAdd(knowledgeBaseId, kb => new VectorIndex(VectorPath(kb), dimension, _precision));

    private string VectorPath(string knowledgeBaseId) =>
        Path.Combine(_folder, "vectors", string.Concat(knowledgeBaseId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".vectors");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Derived data: a commit lost to a power cut is rebuilt from the metadata, so no fsync per commit (WAL stays consistent).
        // A 64 MiB page cache keeps postings inserts from thrashing once the inverted index outgrows the 2 MiB default.
        Execute(connection, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536");
        return connection;
    }

    /// <summary>Deletes a document's rows and BM25 postings in the transaction; returns the keys it held.</summary>
    private List<ulong> DeleteRows(SqliteConnection connection, SqliteTransaction tx, DocumentRef document)
    {
        var removed = new List<Bm25Index.Chunk>();
        using (var select = connection.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = "SELECT key, payload FROM chunks WHERE tenant_id = $t AND kb_id = $kb AND document_id = $doc";
            select.Parameters.AddWithValue("$t", document.TenantId);
            select.Parameters.AddWithValue("$kb", document.KnowledgeBaseId);
            select.Parameters.AddWithValue("$doc", document.DocumentId);
            using var reader = select.ExecuteReader();
            while (reader.Read()) removed.Add(Bm25Chunk(reader.GetInt64(0), Deserialize(reader.GetString(1))));
        }
        _bm25.Remove(connection, tx, removed);
        var keys = removed.Select(r => (ulong)r.Key).ToList();
        Execute(connection, "DELETE FROM chunks WHERE tenant_id = $t AND kb_id = $kb AND document_id = $doc", tx,
            ("$t", document.TenantId), ("$kb", document.KnowledgeBaseId), ("$doc", document.DocumentId));
        return keys;
    }

    private static ulong InsertRow(SqliteConnection connection, SqliteTransaction tx, ChunkPayload payload)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO chunks(chunk_id, tenant_id, kb_id, document_id, ordinal, groups, payload) VALUES ($id, $t, $kb, $doc, $ordinal, $groups, $payload)
            ON CONFLICT(chunk_id) DO UPDATE SET payload = excluded.payload, groups = excluded.groups
            RETURNING key
            """;
        insert.Parameters.AddWithValue("$id", payload.ChunkId);
        insert.Parameters.AddWithValue("$t", payload.TenantId);
        insert.Parameters.AddWithValue("$kb", payload.KnowledgeBaseId);
        insert.Parameters.AddWithValue("$doc", payload.DocumentId);
        insert.Parameters.AddWithValue("$ordinal", payload.Ordinal);
        insert.Parameters.AddWithValue("$groups", JsonSerializer.Serialize(payload.Groups));
        insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(payload));
        return (ulong)(long)insert.ExecuteScalar()!;
    }

    /// <summary>What BM25 indexes of a chunk: its scope, access groups and searchable text (title, headings, text).</summary>
    private static Bm25Index.Chunk Bm25Chunk(long key, ChunkPayload payload) =>
        new(key, payload.TenantId, payload.KnowledgeBaseId, payload.Groups, payload.SearchableText);

    /// <summary>Payloads of the given keys that are the tenant's, in the filter's knowledge bases, and pass its other conditions.</summary>
    private static Dictionary<ulong, ChunkPayload> LoadPayloads(SqliteConnection connection, ChunkFilter filter, IEnumerable<ulong> keys)
    {
        var keyList = keys.Distinct().ToList();
        if (keyList.Count == 0) return [];
        using var command = PayloadQuery(connection, filter, keyList);
        var result = new Dictionary<ulong, ChunkPayload>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var payload = Deserialize(reader.GetString(1));
            if (filter.Matches(payload)) result[(ulong)reader.GetInt64(0)] = payload;
        }
        return result;
    }

    /// <summary>
    /// The query of <see cref="LoadPayloads"/>. NOT INDEXED makes SQLite find the rows by primary key: without statistics it
    /// otherwise prefers the scope index for `tenant_id = … AND kb_id = …` and reads every row of the knowledge base
    /// (121 ms of a dense search at 1M chunks).
    /// </summary>
    internal static SqliteCommand PayloadQuery(SqliteConnection connection, ChunkFilter filter, IReadOnlyCollection<ulong> keys)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT key, payload FROM chunks NOT INDEXED
            WHERE key IN ({string.Join(",", keys.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)))}) AND {Scope(command, filter)}
                  {(filter.DocumentIds is { } docs ? "AND " + InList(command, "document_id", "doc", docs) : "")}
            """;
        return command;
    }

    private static long ReadSchemaVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Drops an index written by an older version (rows and vector files); the bootstrapper rebuilds it from the metadata.</summary>
    private void DropOldSchema(SqliteConnection connection)
    {
        Execute(connection, """
            DROP TABLE IF EXISTS chunks_fts;
            DROP TABLE IF EXISTS chunks;
            DROP TABLE IF EXISTS bm25_postings;
            DROP TABLE IF EXISTS bm25_docs;
            DROP TABLE IF EXISTS bm25_scopes;
            DROP TABLE IF EXISTS bm25_terms;
            """);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_folder, "vectors"), "*.vectors")) File.Delete(file);
        if (Directory.Exists(_bm25.Folder)) Directory.Delete(_bm25.Folder, recursive: true);
    }

    /// <summary>
    /// The SQL condition of what a filter may read: its (tenant, knowledge base) scopes (the tenant's own
    /// and those shared with it) and its access groups. Every read of chunk rows goes through it.
    /// </summary>
    private static string Scope(SqliteCommand command, ChunkFilter filter)
    {
        var scopes = filter.Scopes;
        if (scopes.Count == 0) return "0";
        var pairs = scopes.GroupBy(s => s.TenantId).Select((g, i) =>
        {
            command.Parameters.AddWithValue($"$scope_t{i}", g.Key);
            return $"(tenant_id = $scope_t{i} AND {InList(command, "kb_id", $"scope_kb{i}_", g.Select(s => s.KnowledgeBaseId).ToList())})";
        }).ToList();
        return $"({string.Join(" OR ", pairs)}) AND {VisibleCondition(command, filter, "tenant_id", "groups")}";
    }

    /// <summary>
    /// Decision 0040 across tenants: the caller's groups decide on the tenant's own rows; on rows of a knowledge base
    /// shared with it, whose groups are the publisher's, only ungrouped rows are visible, whatever the caller's scope.
    /// </summary>
    internal static string VisibleCondition(SqliteCommand command, ChunkFilter filter, string tenantColumn, string groupsColumn)
    {
        var own = GroupCondition(command, filter.Groups, groupsColumn);
        if (filter.Shared is not { Count: > 0 }) return own;
        command.Parameters.AddWithValue("$visible_own", filter.TenantId);
        return $"(({tenantColumn} = $visible_own AND {own}) OR ({tenantColumn} <> $visible_own AND {groupsColumn} = '[]'))";
    }

    /// <summary>Decision 0040 in SQL: no restriction, or ungrouped rows and rows sharing one of the caller's groups.</summary>
    internal static string GroupCondition(SqliteCommand command, IReadOnlyList<string>? groups, string column)
    {
        if (groups is null) return "1";
        if (groups.Count == 0) return $"{column} = '[]'";
        return $"({column} = '[]' OR EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({string.Join(",", groups.Select((g, i) =>
        {
            command.Parameters.AddWithValue($"$group{i}", g);
            return $"$group{i}";
        }))})))";
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

    internal static ChunkPayload Deserialize(string json) => JsonSerializer.Deserialize<ChunkPayload>(json)!;

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
