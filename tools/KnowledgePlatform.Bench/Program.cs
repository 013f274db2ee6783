using KnowledgePlatform.Bench.Evaluation;
using KnowledgePlatform.Bench.Ingest;
using KnowledgePlatform.Bench.Load;
using KnowledgePlatform.Bench.ModelServing;
using KnowledgePlatform.Bench.Samples;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("kp-bench");
    config.AddCommand<EvalCommand>("eval").WithDescription("Retrieval quality (nDCG@10, recall, MRR) and latency of bm25, dense and hybrid on a BEIR-layout question set.")
        .WithExample("eval", "../shared/bench/emanual-smarttv");
    config.AddCommand<BenchIngestCommand>("ingest")
        .WithDescription("Ingestion throughput: a corpus and a generated PDF end to end, against the encoder alone on the same chunks.");
    config.AddCommand<BenchLoadCommand>("load")
        .WithDescription("Search and ask under load (1 to 128 clients), asks through the model host, and a mixed run of visitors and a curator; latency percentiles, errors, server memory, ratio to the bare index query.")
        .WithExample("load", "--duration", "60", "--visitors", "50", "--documents", "50");
    config.AddCommand<SampleAnswersCommand>("samples")
        .WithDescription("The questions of samples/questions.md, as written and asked differently, on the demo knowledge bases: how many answers say their key fact.");
    config.AddCommand<BenchModelCommand>("model").WithDescription("Time to first token, tokens/s at 1 and 4 streams, and queueing of a model host.")
        .WithExample("model", "--model", "models/Qwen3-30B-A3B-Q4_K_M.gguf")
        .WithExample("model", "--url", "http://localhost:8000/v1");
});
return await app.RunAsync(args);

/// <summary>Kept internal (ASP.NET Core would make it public): the tests reference this tool next to the server, whose Program is public.</summary>
internal partial class Program;
