// Over 300 lines: the evaluation knowledge base and every measurement taken on it (methods, latency, padding, calibration) share its index and chunks.
using System.Diagnostics;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Pipeline.Steps;
using KnowledgePlatform.Rag;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>A document's ranking for one query, and the chunk lists it came from.</summary>
internal sealed record QueryRun(BeirQuery Query, IReadOnlyList<RetrievedChunk> Chunks, QueryMetrics Metrics, double EmbeddingMs, double SearchMs)
{
    public double TotalMs => EmbeddingMs + SearchMs;
}

internal sealed record MethodRun(string Name, IReadOnlyList<QueryRun> Queries)
{
    public double Mean(Func<QueryMetrics, double> metric) => Queries.Count == 0 ? 0 : Queries.Average(q => metric(q.Metrics));
    public double Percentile(double p) => RankingMetrics.Percentile(Queries.Select(q => q.TotalMs).ToList(), p);
}

/// <summary>
/// One evaluation: a throwaway knowledge base in a temp folder, filled through the platform's own
/// chunker, embedding text and embedded index, then searched with the platform's own retriever.
/// </summary>
internal sealed partial class EvaluationRun : IDisposable
{
    public const string Tenant = "eval";
    public const string KnowledgeBase = "eval";

    private readonly IHost _host;
    private readonly string _folder;
    private readonly EmbeddedChunkIndex _index;
    private readonly EmbeddingCache _cache;
    private readonly List<(string ChunkId, float[] Vector)> _vectors = [];
    /// <summary>The synthesised chunks' vectors, for exact search at padded sizes.</summary>
    private readonly List<(string ChunkId, float[] Vector)> _synthesisedVectors = [];
    private readonly List<string> _texts = [];
    private readonly List<ChunkPayload> _chunks = [];

    private readonly int _configuredCandidates;
    private readonly Bm25Parameters _bm25;

    private EvaluationRun(IHost host, string folder, EmbeddedChunkIndex index, EmbeddingCache cache, int configuredCandidates, Bm25Parameters bm25) =>
        (_host, _folder, _index, _cache, _configuredCandidates, _bm25) = (host, folder, index, cache, configuredCandidates, bm25);

    public EmbeddingModelCard Model => _host.Services.GetRequiredService<EmbeddingModelCard>();
    public IServiceProvider Services => _host.Services;
    public RetrievalOptions Options => _host.Services.GetRequiredService<IOptions<RetrievalOptions>>().Value;
    public int ChunkCount => _vectors.Count;

    /// <summary>The chunks indexed from the data set (not the synthesised ones).</summary>
    public IReadOnlyList<ChunkPayload> Chunks => _chunks;
    public int CacheHits => _cache.Hits;

    /// <param name="depth">Candidates per signal for this run; null keeps the configured (production) depth.</param>
    public static EvaluationRun Open(int? depth, string? cacheFolder, Bm25Parameters bm25, VectorPrecision precision = VectorPrecision.Float16)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        var configured = builder.Configuration.GetSection(RetrievalOptions.Section).Get<RetrievalOptions>() ?? new RetrievalOptions();
        builder.Configuration.AddInMemoryCollection([
            new("Logging:LogLevel:Default", "Warning"),
            new($"{RetrievalOptions.Section}:Candidates", (depth ?? configured.Candidates).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        builder.AddEmbeddings().AddRag();
        var folder = Path.Combine(Path.GetTempPath(), "kp-eval-" + Guid.NewGuid().ToString("N"));
        builder.Services.AddSingleton(sp => new EmbeddedChunkIndex(folder, bm25, precision));
        builder.Services.AddSingleton<IChunkIndex>(sp => sp.GetRequiredService<EmbeddedChunkIndex>());
        var host = builder.Build();
        var model = host.Services.GetRequiredService<EmbeddingModelCard>();
        var cache = new EmbeddingCache(host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), model.Name, model.Dimension, cacheFolder);
        return new EvaluationRun(host, folder, host.Services.GetRequiredService<EmbeddedChunkIndex>(), cache, configured.Candidates, bm25);
    }

    /// <summary>Texts embedded as passages (cached).</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        await _cache.EmbedAsync(texts, 16, null, cancellationToken);

    /// <summary>
    /// Chunks every document as the ingestion pipeline does, embeds the chunks (cached) and indexes them. Without
    /// <paramref name="chunkContext"/> the chunks carry neither their document's title nor their headings, in the embedded
    /// text or in the BM25 index (the ablation of decision 0120).
    /// </summary>
    public async Task IngestAsync(BeirDataset dataset, ChunkingSettings chunking, IProgress<(int Done, int Total)> progress, CancellationToken cancellationToken, bool chunkContext = true)
    {
        var chunker = new Chunker(_host.Services.GetRequiredService<ITokenCounter>());
        var drafts = dataset.Corpus
            .Select(d => chunkContext ? d : d with { Title = "" })
            .Select(d => (Document: d, Drafts: chunker.Chunk(ToExtracted(d), chunking).Select(c => chunkContext ? c : c with { HeadingPath = [] }).ToList())).ToList();
        var texts = drafts.SelectMany(d => d.Drafts.Select(c => EmbedStep.EmbeddingText(d.Document.Title, c))).ToList();
        var done = 0;
        var vectors = await _cache.EmbedAsync(texts, 16, new SynchronousProgress<int>(n => progress.Report((done += n, texts.Count))), cancellationToken);

        var next = 0;
        foreach (var (document, chunks) in drafts)
        {
            var reference = new DocumentRef(Tenant, KnowledgeBase, document.Id);
            var indexed = chunks.Select((c, i) => new IndexedChunk(
                new ChunkPayload($"{document.Id}#{i}", Tenant, KnowledgeBase, document.Id, document.Title, document.Id, i, c.Text, c.HeadingPathText, c.Page, c.Line, c.Kind),
                vectors[next + i])).ToList();
            _vectors.AddRange(indexed.Select(c => (c.Payload.ChunkId, vectors[next++])));
            _texts.AddRange(chunks.Select(c => c.Text));
            _chunks.AddRange(indexed.Select(c => c.Payload));
            await _index.ReplaceDocumentAsync(reference, indexed, cancellationToken);
        }
        _index.Flush();
    }

    /// <summary>A corpus entry as the extractors would give it: its title, and its text as paragraphs (split at blank lines).</summary>
    private static ExtractedDocument ToExtracted(BeirDocument document) => new(
        document.Title,
        document.Text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((p, i) => (Block)new ParagraphBlock(p, [], new SourceSpan(Line: i + 1)))
            .ToList());

    /// <summary>Runs every query through the retriever (floor off: this measures ranking), documents ranked by their best chunk.</summary>
    public async Task<MethodRun> RunAsync(string name, RetrievalMode mode, bool rerank, RetrievalSettings settings, BeirDataset dataset, IReadOnlyList<BeirQuery> queries,
        IProgress<int> progress, CancellationToken cancellationToken)
    {
        var retriever = _host.Services.GetRequiredService<Retriever>();
        var depth = Options.Candidates;
        // Warm-up: the first calls pay for JIT compilation and cold caches.
        foreach (var q in queries.Take(3))
            await retriever.SearchAsync(Request(q.Text, mode, rerank, settings, depth), cancellationToken);

        var runs = new List<QueryRun>(queries.Count);
        foreach (var q in queries)
        {
            var result = await retriever.SearchAsync(Request(q.Text, mode, rerank, settings, depth), cancellationToken);
            runs.Add(Score(q, result.Hits, dataset, result.EmbeddingTime.TotalMilliseconds, result.SearchTime.TotalMilliseconds));
            progress.Report(1);
        }
        return new MethodRun(name, runs);
    }

    public static QueryRun Score(BeirQuery query, IReadOnlyList<RetrievedChunk> chunks, BeirDataset dataset, double embeddingMs, double searchMs)
    {
        var ranked = RankingMetrics.MaxPool(chunks.Select(c => c.Chunk.DocumentId), 100);
        return new QueryRun(query, chunks, RankingMetrics.Score(ranked, dataset.Qrels[query.Id]), embeddingMs, searchMs);
    }

    private static RetrievalRequest Request(string query, RetrievalMode mode, bool rerank, RetrievalSettings settings, int depth) =>
        new(Tenant, [KnowledgeBase], query) { Mode = mode, Rerank = rerank, Settings = settings, Top = depth * 2, ApplyFloor = false };

    /// <summary>The knowledge base's fusion calibrated from its own chunks, as the server would calibrate it.</summary>
    public Task<SelfCalibration> SelfCalibrateAsync(Vertical vertical, CancellationToken cancellationToken) =>
        SelfCalibration.RunAsync(_chunks, _host.Services.GetRequiredService<EmbeddingModelRegistry>().Default, _index, _bm25, vertical, cancellationToken);

    public bool RerankerConfigured => _host.Services.GetRequiredService<HttpReranker>().Enabled;

    /// <summary>
    /// Share of the exact top-k (brute-force cosine over every chunk vector) that the dense search returns
    /// for the same query vectors, averaged over the queries.
    /// </summary>
    public Task<double> DenseRecallAsync(IReadOnlyList<BeirQuery> queries, int k, CancellationToken cancellationToken) =>
        RecallAsync(queries, k, _vectors, cancellationToken);

    /// <summary>
    /// The same, against exact search over every chunk, the synthesised ones included, sweeping <paramref name="probes"/>
    /// partitions of the vector index (null: as many as the product does).
    /// </summary>
    private Task<double> PaddedRecallAsync(IReadOnlyList<BeirQuery> queries, int k, int? probes, CancellationToken cancellationToken) =>
        RecallAsync(queries, k, [.. _vectors, .. _synthesisedVectors], cancellationToken, probes);

    /// <summary>How many queries time the full-scoring BM25 baseline at padded sizes.</summary>
    private const int EveryPostingQueries = 100;

    private async Task<double> RecallAsync(IReadOnlyList<BeirQuery> queries, int k, IReadOnlyList<(string ChunkId, float[] Vector)> all, CancellationToken cancellationToken, int? probes = null)
    {
        var queryVectors = await _cache.EmbedAsync(queries.Select(q => Model.QueryPrefix + q.Text).ToList(), 16, null, cancellationToken);
        var filter = new ChunkFilter(Tenant, [KnowledgeBase]);
        var total = 0.0;
        foreach (var vector in queryVectors)
        {
            var exact = all
                .Select(c => (c.ChunkId, Similarity: Dot(c.Vector, vector)))
                .OrderByDescending(c => c.Similarity).Take(k).Select(c => c.ChunkId).ToHashSet();
            var approximate = probes is { } p
                ? await _index.SearchDenseAsync(filter, vector, k, p, cancellationToken)
                : await _index.SearchDenseAsync(filter, vector, k, cancellationToken);
            total += (double)approximate.Count(h => exact.Contains(h.Chunk.ChunkId)) / Math.Min(k, exact.Count);
        }
        return total / queryVectors.Length;
    }

    /// <summary>
    /// Adds synthesised chunks until the knowledge base holds <paramref name="target"/>: each one's text is
    /// ten random sentences of the real chunks and its vector the normalised mean of two random real
    /// vectors plus a little noise, so both indexes see realistic term statistics and vector spread. They go
    /// in through the index's bulk path, <see cref="PadBatch"/> chunks (many documents) per transaction;
    /// the next batch is synthesised while the index takes the previous one.
    /// </summary>
    public async Task<PaddingCost> PadAsync(int target, IProgress<(int Done, int Total)> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sentences = SentencePool();
        var count = Math.Max(0, target - ChunkCount - await SynthesisedCountAsync(cancellationToken));
        var first = _synthesised;
        Task<List<IndexedChunk>> Synthesise(int from, int size) => Task.Run(() => Enumerable.Range(from, size).Select(n => Synthetic(n, sentences)).ToList(), cancellationToken);
        var next = count > 0 ? Synthesise(first, Math.Min(PadBatch, count)) : null;
        var luceneSeconds = 0.0;
        for (var made = 0; next is not null;)
        {
            var batch = await next;
            next = made + batch.Count < count ? Synthesise(first + made + batch.Count, Math.Min(PadBatch, count - made - batch.Count)) : null;
            await _index.AddChunksAsync(batch, cancellationToken);
            // The Lucene comparison's time is its own: taken out of the embedded index's padding time.
            luceneSeconds += AddToLucene(batch, first + made);
            made += batch.Count;
            _synthesisedVectors.AddRange(batch.Select(c => (c.Payload.ChunkId, c.Vector.ToArray())));
            progress.Report((made, count));
        }
        _synthesised += count;
        _index.Flush();
        var seconds = clock.Elapsed.TotalSeconds - luceneSeconds;
        Lucene = CommitLucene(count, luceneSeconds);
        // What stays resident once the padding's garbage is collected and returned: a server that imported them holds the same.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        // The embedded index's files only: the Lucene comparison's folder is reported apart.
        var indexBytes = Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(_folder, "lucene"), StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        var vectorBytes = Directory.EnumerateFiles(Path.Combine(_folder, "vectors"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        // The process keeps every synthesised vector for exact search (4 bytes a dimension): not the index's memory.
        var heldForExactSearch = _synthesisedVectors.Sum(v => (long)v.Vector.Length * sizeof(float));
        return new PaddingCost(count, seconds, process.WorkingSet64, GC.GetTotalMemory(false), indexBytes, vectorBytes, heldForExactSearch);
    }

    /// <summary>What the last padding cost the Lucene.NET comparison; null without it.</summary>
    public LuceneCost? Lucene { get; private set; }

    /// <summary>Chunks per bulk transaction when padding.</summary>
    private const int PadBatch = 20_000;
    private const int PerDocument = 50;
    private int _synthesised;

    /// <summary>The <paramref name="n"/>th synthesised chunk; its own seed makes it the same whatever the batch sizes.</summary>
    private IndexedChunk Synthetic(int n, IReadOnlyList<string> sentences)
    {
        var random = new Random(n);
        var document = $"synthetic-{n / PerDocument:D6}";
        var text = string.Join(" ", Enumerable.Range(0, 10).Select(_ => sentences[random.Next(sentences.Count)]));
        var (a, b) = (_vectors[random.Next(_vectors.Count)].Vector, _vectors[random.Next(_vectors.Count)].Vector);
        var vector = new float[a.Length];
        for (var d = 0; d < vector.Length; d++) vector[d] = a[d] + b[d] + (float)(random.NextDouble() - 0.5) * 0.05f;
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, System.Numerics.Tensors.TensorPrimitives.Norm(vector), vector);
        return new IndexedChunk(new ChunkPayload($"{document}#{n % PerDocument}", Tenant, KnowledgeBase, document, "Synthetic", document, n % PerDocument, text, "", null, null, ChunkKind.Text), vector);
    }

    private List<string> SentencePool() => [.. _texts.SelectMany(Core.Text.Sentences.Split).Where(s => s.Length > 20).Distinct()];

    /// <summary>
    /// Times each query's parts with the configured number of candidates (not the evaluation depth), one query at a time.
    /// Fusion is timed on the query's own dense and BM25 candidate lists.
    /// </summary>
    public async Task<LatencyReport> MeasureLatencyAsync(IReadOnlyList<BeirQuery> queries, RetrievalSettings settings, PaddingCost padding, CancellationToken cancellationToken)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new RetrievalOptions { Candidates = _configuredCandidates });
        var retriever = ActivatorUtilities.CreateInstance<Retriever>(_host.Services, options);
        var parts = new Dictionary<string, List<double>>
        {
            ["query embedding"] = [], ["dense"] = [], ["BM25"] = [], ["BM25 scoring every posting"] = [], ["fusion"] = [], ["hybrid search"] = [], ["hybrid total"] = [],
        };
        if (_lucene is not null) parts[LuceneMethod] = [];
        var filter = new ChunkFilter(Tenant, [KnowledgeBase]);
        var queryVectors = await _cache.EmbedAsync(queries.Take(3).Concat(queries).Select(q => Model.QueryPrefix + q.Text).ToList(), 16, null, cancellationToken);
        foreach (var (q, queryVector) in queries.Take(3).Concat(queries).Zip(queryVectors))
        {
            if (TimeLucene(q.Text) is { } luceneMs) parts[LuceneMethod].Add(luceneMs);
            var request = new RetrievalRequest(Tenant, [KnowledgeBase], q.Text) { Settings = settings };
            var dense = await retriever.SearchAsync(request with { Mode = RetrievalMode.Dense }, cancellationToken);
            var keyword = await retriever.SearchAsync(request with { Mode = RetrievalMode.Keyword }, cancellationToken);
            var hybrid = await retriever.SearchAsync(request, cancellationToken);
            var (denseHits, keywordHits) = (Hits(dense, c => c.DenseRank, c => c.DenseScore), Hits(keyword, c => c.KeywordRank, c => c.KeywordScore));
            // The baseline reads every posting (seconds a query at 1M chunks): timed on the first queries only.
            if (parts["BM25 scoring every posting"].Count < EveryPostingQueries + 3)
            {
                var everyPosting = Stopwatch.StartNew();
                await _index.SearchKeywordScoringEveryPostingAsync(filter, q.Text, _configuredCandidates, cancellationToken);
                parts["BM25 scoring every posting"].Add(everyPosting.Elapsed.TotalMilliseconds);
            }
            var fusion = Stopwatch.StartNew();
            RankFusion.Fuse(denseHits, keywordHits, settings);
            parts["fusion"].Add(fusion.Elapsed.TotalMilliseconds);
            parts["query embedding"].Add(hybrid.EmbeddingTime.TotalMilliseconds);
            parts["dense"].Add(dense.SearchTime.TotalMilliseconds);
            parts["BM25"].Add(keyword.SearchTime.TotalMilliseconds);
            parts["hybrid search"].Add(hybrid.SearchTime.TotalMilliseconds);
            parts["hybrid total"].Add((hybrid.EmbeddingTime + hybrid.SearchTime).TotalMilliseconds);
        }
        // The first three were warm-up.
        var synthesised = await SynthesisedCountAsync(cancellationToken);
        // The partitions the product sweeps at this size, and twice as many.
        var (partitions, probes) = _index.VectorPartitionsOf(KnowledgeBase);
        var recall = await PaddedRecallAsync(queries.Take(200).ToList(), 10, null, cancellationToken);
        var wideRecall = await PaddedRecallAsync(queries.Take(200).ToList(), 10, 2 * probes, cancellationToken);
        return new LatencyReport(_vectors.Count + synthesised, synthesised, queries.Count, _configuredCandidates,
            parts.Select(p => Timing.Of(p.Key, p.Value.Skip(3).ToList())).ToList(), padding, partitions, probes, recall, wideRecall, Lucene);
    }

    /// <summary>One signal's candidate list back from a single-signal search, in that signal's order.</summary>
    private static List<ChunkHit> Hits(RetrievalResult result, Func<RetrievedChunk, int?> rank, Func<RetrievedChunk, double?> score) =>
        [.. result.Candidates.Where(c => rank(c) is not null).OrderBy(c => rank(c)).Select(c => new ChunkHit(c.Chunk, score(c)!.Value))];

    /// <summary>One hybrid search at the configured (production) candidate depth, its query embedding included, in milliseconds.</summary>
    public async Task<double> TimeHybridAsync(string query, RetrievalSettings settings, CancellationToken cancellationToken)
    {
        _productionRetriever ??= ActivatorUtilities.CreateInstance<Retriever>(_host.Services,
            Microsoft.Extensions.Options.Options.Create(new RetrievalOptions { Candidates = _configuredCandidates }));
        var result = await _productionRetriever.SearchAsync(new RetrievalRequest(Tenant, [KnowledgeBase], query) { Settings = settings }, cancellationToken);
        return (result.EmbeddingTime + result.SearchTime).TotalMilliseconds;
    }

    private Retriever? _productionRetriever;

    private async Task<int> SynthesisedCountAsync(CancellationToken cancellationToken) =>
        (int)await _index.CountAsync(new ChunkFilter(Tenant, [KnowledgeBase]), cancellationToken) - _vectors.Count;

    private static float Dot(float[] a, float[] b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    public void Dispose()
    {
        _index.Dispose();
        _host.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
