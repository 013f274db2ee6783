using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Pipeline.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Ingest;

public sealed class BenchIngestSettings : CommandSettings
{
    [CommandOption("--corpus <DIR>")]
    [Description("A BEIR folder whose corpus.jsonl documents are ingested one file each. Default: shared/bench/pubmedqa above the current folder, if present.")]
    public string? Corpus { get; init; }

    [CommandOption("--pdf-pages <N>")]
    [Description("Pages of the generated PDF ingested after the corpus (0: none). Default: 300")]
    public int PdfPages { get; init; } = 300;

    [CommandOption("--limit <N>")]
    [Description("Ingest only the first N corpus documents (0: all).")]
    public int Limit { get; init; }

    [CommandOption("--rounds <N>")]
    [Description("The corpus is ingested in N slices, each followed by the encoder alone on its chunks, so that a change in machine load hits both alike. Default: 5")]
    public int Rounds { get; init; } = 5;

    [CommandOption("--compare <N>")]
    [Description("Corpus chunks on which the runtimes and call sizes are compared, spread over the rounds (0: no comparison). Default: 400")]
    public int Compare { get; init; } = 400;

    [CommandOption("--workers <N>")]
    [Description("Jobs processed at once. Default: Ingestion:Workers")]
    public int? Workers { get; init; }

    [CommandOption("--runtime <RUNTIME>")]
    [Description("Embedding runtime of the pipeline: onnx-direct or package. Default: Embedding:Runtime")]
    public string? Runtime { get; init; }

    [CommandOption("--threads <N>")]
    [Description("ONNX Runtime intra-op threads (0: one per core). Default: Embedding:Threads")]
    public int? Threads { get; init; }

    [CommandOption("--embed-batch <N>")]
    [Description("Texts per call to the embedding model at most, from one job or several. Default: Ingestion:EmbeddingBatchSize")]
    public int? EmbedBatch { get; init; }

    [CommandOption("--without-model")]
    [Description("Replace the embedding model with a stand-in that answers at once, so the run measures the rest of the pipeline (its CPU per document). No encoder-alone runs and no comparison.")]
    public bool WithoutModel { get; init; }

    [CommandOption("--replay-calls")]
    [Description("After each round, run the encoder alone on the pipeline's own model calls as they were made (their sizes and texts), to tell the cost of smaller calls from that of sharing the cores.")]
    public bool ReplayCalls { get; init; }

    public override ValidationResult Validate() =>
        Rounds < 1 ? ValidationResult.Error("--rounds must be at least 1.")
        : PdfPages < 0 || Limit < 0 || Compare < 0 ? ValidationResult.Error("--pdf-pages, --limit and --compare cannot be negative.")
        : ValidationResult.Success();
}
