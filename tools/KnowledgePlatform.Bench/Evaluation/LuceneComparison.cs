using System.Diagnostics;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>What building the Lucene.NET index to one size cost: the chunks added since the last size, the time (adding and committing), its files.</summary>
internal sealed record LuceneCost(int AddedChunks, double Seconds, long Bytes, int Segments)
{
    public double ChunksPerSecond => AddedChunks == 0 || Seconds == 0 ? 0 : AddedChunks / Seconds;
}

/// <summary>The evaluation's Lucene.NET comparison (kp-bench eval --compare-lucene, decision 0166): the same chunks in both engines.</summary>
internal sealed partial class EvaluationRun
{
    public const string LuceneMethod = "bm25 (Lucene.NET)";

    private LuceneBm25? _lucene;

    /// <summary>Starts the comparison: the evaluation's chunks indexed in Lucene.NET too; padding adds to both from then on.</summary>
    /// <param name="exactLengths">Score with each chunk's exact length (<see cref="ExactBm25Similarity"/>) rather than Lucene's one-byte length.</param>
    public void CompareLucene(bool exactLengths)
    {
        _lucene = new LuceneBm25(Path.Combine(_folder, "lucene"), _bm25, exactLengths);
        _lucene.Add([.. _chunks.Select(c => c.SearchableText)], 0);
        _lucene.Commit();
        Lucene = new LuceneCost(_chunks.Count, _lucene.BuildSeconds, _lucene.Bytes, _lucene.Segments);
    }

    /// <summary>
    /// Every query through Lucene.NET's BM25 at the evaluation depth, ranked and timed as the bm25 method is, and how many
    /// queries got the same top 10 chunks, in the same order, as from the embedded index (<paramref name="embedded"/>).
    /// </summary>
    public (MethodRun Run, int SameTop10) RunLucene(BeirDataset dataset, IReadOnlyList<BeirQuery> queries, MethodRun embedded)
    {
        var lucene = _lucene ?? throw new InvalidOperationException("The Lucene comparison was not started.");
        var depth = Options.Candidates;
        foreach (var q in queries.Take(3)) lucene.Search(q.Text, depth);
        var runs = new List<QueryRun>(queries.Count);
        foreach (var q in queries)
        {
            var clock = Stopwatch.StartNew();
            var found = lucene.Search(q.Text, depth);
            var ms = clock.Elapsed.TotalMilliseconds;
            runs.Add(Score(q, LuceneBm25.Hits(found, _chunks), dataset, 0, ms));
        }
        static IEnumerable<string> Top10(QueryRun run) => run.Chunks.Take(10).Select(c => c.Chunk.ChunkId);
        var same = runs.Zip(embedded.Queries).Count(pair => Top10(pair.First).SequenceEqual(Top10(pair.Second)));
        return (new MethodRun(LuceneMethod, runs), same);
    }

    /// <summary>Adds a padding batch to the Lucene index (synthesised chunks are numbered −1, −2, …); its seconds.</summary>
    private double AddToLucene(IReadOnlyList<Core.Ports.IndexedChunk> batch, int firstSynthesised)
    {
        if (_lucene is null) return 0;
        var before = _lucene.BuildSeconds;
        _lucene.Add([.. batch.Select(c => c.Payload.SearchableText)], -1 - firstSynthesised, countDown: true);
        return _lucene.BuildSeconds - before;
    }

    /// <summary>Commits the padding to the Lucene index and says what it cost.</summary>
    private LuceneCost? CommitLucene(int added, double addSeconds)
    {
        if (_lucene is null) return null;
        var before = _lucene.BuildSeconds;
        _lucene.Commit();
        return new LuceneCost(added, addSeconds + _lucene.BuildSeconds - before, _lucene.Bytes, _lucene.Segments);
    }

    /// <summary>One Lucene.NET BM25 search at the production depth, in milliseconds; null without the comparison.</summary>
    private double? TimeLucene(string query)
    {
        if (_lucene is null) return null;
        var clock = Stopwatch.StartNew();
        _lucene.Search(query, _configuredCandidates);
        return clock.Elapsed.TotalMilliseconds;
    }
}
