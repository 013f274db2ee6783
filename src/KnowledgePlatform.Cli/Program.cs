using KnowledgePlatform.Cli;
using KnowledgePlatform.Cli.Database;
using KnowledgePlatform.Cli.Knowledge;
using KnowledgePlatform.Cli.Packages;
using KnowledgePlatform.Cli.Sources;
using KnowledgePlatform.Cli.Tenants;
using Spectre.Console.Cli;

// The benchmarks and evaluations moved to their own tool (decision 0163): say where, rather than "unknown command".
if (args is ["eval" or "bench", ..])
{
    Console.Error.WriteLine($"`kp {args[0]}` is now `kp-bench {(args[0] == "eval" ? "eval" : "<ingest|load|model>")}` (tools/KnowledgePlatform.Bench; docs/benchmarks.md).");
    return 1;
}

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
    config.AddCommand<ReembedCommand>("reembed").WithDescription("Re-embed a knowledge base with another configured embedding model and rebuild its index.")
        .WithExample("reembed", "manuals-zh", "--model", "bge-m3", "--key", "kp_demo_support_key");
});
return await app.RunAsync(args);
