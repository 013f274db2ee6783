using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Rag.Retrieval;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Evaluation;

public sealed class EvalSettings : CommandSettings
{
    internal static Vertical? ParseVertical(string value) => value.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "medical" => Core.Domain.Vertical.Medical,
        "customerservice" => Core.Domain.Vertical.CustomerService,
        "general" => Core.Domain.Vertical.General,
        _ => null,
    };

    [CommandArgument(0, "<dataset-dir>")]
    [Description("A folder in BEIR layout: corpus.jsonl, queries.jsonl, qrels.tsv.")]
    public string Dataset { get; init; } = "";

    [CommandOption("-o|--out <FILE>")]
    [Description("Per-query results as JSON. Default: <dataset>.eval.json in the current folder.")]
    public string? Out { get; init; }

    [CommandOption("-m|--methods <LIST>")]
    [Description("Comma-separated: bm25, dense, hybrid, hybrid+rerank. Default: all (hybrid+rerank when Rerank:Endpoint is set).")]
    public string? Methods { get; init; }

    [CommandOption("--limit <N>")]
    [Description("Evaluate only the first N judged queries (quick checks).")]
    public int? Limit { get; init; }

    [CommandOption("--depth <N>")]
    [Description("Chunks taken from each signal per query (Retrieval:Candidates for this run). Default: 300.")]
    public int Depth { get; init; } = 300;

    [CommandOption("--cache <DIR>")]
    [Description("Where document embeddings are cached between runs. Default: ~/.cache/kp/embeddings.")]
    public string? Cache { get; init; }

    [CommandOption("--no-cache")]
    public bool NoCache { get; init; }

    internal string? CacheFolder => NoCache ? null : Cache ?? Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "kp", "embeddings");

    [CommandOption("--fusion <rrf|convex>")]
    [Description("Fusion of the hybrid row; default: Retrieval:Fusion.")]
    public FusionMethod? Fusion { get; init; }

    [CommandOption("--dense-weight <W>")]
    public double? DenseWeight { get; init; }

    [CommandOption("--keyword-weight <W>")]
    public double? KeywordWeight { get; init; }

    [CommandOption("--rrf-k <K>")]
    public int? RrfK { get; init; }

    [CommandOption("--max-tokens <N>")]
    [Description("Chunk size in model tokens. Default: the general vertical's (300).")]
    public int? MaxTokens { get; init; }

    [CommandOption("--overlap <N>")]
    public int? Overlap { get; init; }

    [CommandOption("--bm25-k1 <K1>")]
    public double K1 { get; init; } = Bm25Parameters.Default.K1;

    [CommandOption("--bm25-b <B>")]
    public double B { get; init; } = Bm25Parameters.Default.B;

    [CommandOption("--fit")]
    [Description("Also fit the knowledge base's fusion weight on these judgements, and report it with 2-fold cross-validation; with --answers, fit its evidence gate on them (printed for PUT …/evidence-gate).")]
    public bool Fit { get; init; }

    [CommandOption("--latency-at <CHUNKS>")]
    [Description("Afterwards, pad the knowledge base with synthesised chunks to each of these sizes in turn (comma-separated, e.g. 10000,100000,1000000) and measure query latency at each.")]
    public string? LatencyAt { get; init; }

    /// <summary>The sizes of --latency-at, smallest first; null when the option is absent or not a list of positive numbers.</summary>
    internal IReadOnlyList<int>? LatencySizes =>
        LatencyAt?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1)
            .ToList() is { Count: > 0 } sizes && sizes.All(n => n > 0) ? [.. sizes.Distinct().Order()] : null;

    [CommandOption("--compare-lucene")]
    [Description("Also index the chunks (and every padded size) in Lucene.NET and report its BM25 beside the embedded index's: a 'bm25 (Lucene.NET)' row, and with --latency-at its latency, build time and size (decision 0166).")]
    public bool CompareLucene { get; init; }

    [CommandOption("--lucene-similarity <KIND>")]
    [Description("With --compare-lucene: exact (each chunk's exact length, the platform's BM25; default) or lucene (Lucene's BM25Similarity, lengths kept in one byte).")]
    public string LuceneSimilarity { get; init; } = "exact";

    [CommandOption("--vector-precision <KIND>")]
    [Description("How the vector index stores vectors: Float16 (default) or Float32 (Storage:VectorPrecision).")]
    public VectorPrecision VectorPrecision { get; init; } = VectorPrecision.Float16;

    [CommandOption("--with-candidates")]
    [Description("Write each query's dense and BM25 chunk lists into the JSON too, and each pseudo-question's masked lists from the self-calibration (for fusion studies).")]
    public bool WithCandidates { get; init; }

    [CommandOption("--question-vectors")]
    [Description("Also score dense and self-calibrated hybrid with a second vector per FAQ entry for its question (documents titled with a question).")]
    public bool QuestionVectors { get; init; }

    [CommandOption("--without-chunk-context")]
    [Description("Index the chunks without their document's title and headings (embedded text and BM25), to measure what the context adds.")]
    public bool WithoutChunkContext { get; init; }

    [CommandOption("--search-during-calibration")]
    [Description("Afterwards, time hybrid searches on the idle knowledge base and while its self-calibration runs beside them.")]
    public bool SearchDuringCalibration { get; init; }

    [CommandOption("--answers")]
    [Description("Measure answers, not rankings: every question through the real answer path, with answering everything and a naive gate beside it.")]
    public bool Answers { get; init; }

    [CommandOption("--unanswerable <FRACTION>")]
    [Description("With --answers: leave this seeded random share of the documents out, so the questions they answer become unanswerable. Default: 0.3.")]
    public double Unanswerable { get; init; } = 0.3;

    [CommandOption("--seed <N>")]
    [Description("With --answers: the seed of the documents left out. Default: 7.")]
    public int Seed { get; init; } = 7;

    [CommandOption("--vertical <VERTICAL>")]
    [Description("With --answers: the answer and security policy of this vertical: medical, customer_service or general. Default: general.")]
    public string Vertical { get; init; } = "general";

    public override ValidationResult Validate() =>
        !Directory.Exists(Dataset) ? ValidationResult.Error($"'{Dataset}' is not a folder.")
        : Depth is < 10 or > 1000 ? ValidationResult.Error("--depth must be between 10 and 1000.")
        : Unanswerable is < 0 or >= 1 ? ValidationResult.Error("--unanswerable is a fraction from 0 up to (not including) 1.")
        : ParseVertical(Vertical) is null ? ValidationResult.Error("--vertical is medical, customer_service or general.")
        : LuceneSimilarity is not ("exact" or "lucene") ? ValidationResult.Error("--lucene-similarity is exact or lucene.")
        : LatencyAt is not null && LatencySizes is null ? ValidationResult.Error("--latency-at is a comma-separated list of chunk counts, e.g. 10000,100000,1000000.")
        : ValidationResult.Success();
}
