using KnowledgePlatform.Cli;
using KnowledgePlatform.Cli.Bench;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("kp");
    config.AddCommand<IngestCommand>("ingest").WithDescription("Ingest files or folders into a knowledge base, with a progress bar.")
        .WithExample("ingest", "medical", "samples/medical", "--key", "kp_demo_clinic_key");
    config.AddCommand<SearchCommand>("search").WithDescription("Hybrid search in a knowledge base.")
        .WithExample("search", "medical", "\"paracetamol maximum dose\"", "--key", "kp_demo_clinic_key");
    config.AddCommand<AskCommand>("ask").WithDescription("Ask a question; the answer cites its sources.")
        .WithExample("ask", "customer-service", "\"How long is the warranty?\"", "--key", "kp_demo_support_key");
    config.AddBranch("bench", bench => bench.AddCommand<BenchIngestCommand>("ingest")
        .WithDescription("Ingestion throughput: a corpus and a generated PDF end to end, against the encoder alone on the same chunks."));
});
return await app.RunAsync(args);
