using KnowledgePlatform.Cli;
using KnowledgePlatform.Cli.Bench;
using KnowledgePlatform.Cli.Database;
using KnowledgePlatform.Cli.Knowledge;
using KnowledgePlatform.Cli.Packages;
using KnowledgePlatform.Cli.Sources;
using KnowledgePlatform.Cli.Tenants;
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
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Benchmarks that print figures.");
        bench.AddCommand<BenchModelCommand>("model").WithDescription("Time to first token, tokens/s at 1 and 4 streams, and queueing of a model host.")
            .WithExample("bench", "model", "--model", "models/Qwen3-30B-A3B-Q4_K_M.gguf")
            .WithExample("bench", "model", "--url", "http://localhost:8000/v1");
        bench.AddCommand<BenchIngestCommand>("ingest")
            .WithDescription("Ingestion throughput: a corpus and a generated PDF end to end, against the encoder alone on the same chunks.");
        bench.AddCommand<BenchLoadCommand>("load")
            .WithDescription("Search and ask under load (1 to 128 clients), asks through the model host, and a mixed run of visitors and a curator; latency percentiles, errors, server memory, ratio to the bare index query.")
            .WithExample("bench", "load", "--duration", "60", "--visitors", "50", "--documents", "50");
    });
    config.AddDbCommands();
    config.AddSourceCommands();
    config.AddTenantCommands();
    config.AddMaintenanceCommands();
    config.AddBranch("kb", kb =>
    {
        kb.SetDescription("Knowledge-base packages: export and import through a running server.");
        kb.AddCommand<KbExportCommand>("export").WithDescription("Write a knowledge base as a portable package (zip).")
            .WithExample("kb", "export", "medical", "medical.kp.zip", "--server", "http://localhost:5080", "--key", "kp_demo_clinic_key");
        kb.AddCommand<KbImportCommand>("import").WithDescription("Create a knowledge base from a package.")
            .WithExample("kb", "import", "medical.kp.zip", "--name", "medical-copy", "--server", "http://localhost:5080", "--key", "kp_demo_support_key");
    });
    config.AddCommand<EvalCommand>("eval").WithDescription("Retrieval quality (nDCG@10, recall, MRR) and latency of bm25, dense and hybrid on a BEIR-layout question set.")
        .WithExample("eval", "../shared/bench/emanual-smarttv");
    config.AddCommand<ReembedCommand>("reembed").WithDescription("Re-embed a knowledge base with another configured embedding model and rebuild its index.")
        .WithExample("reembed", "manuals-zh", "--model", "bge-m3", "--key", "kp_demo_support_key");
});
return await app.RunAsync(args);
