using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Ingestion;

var builder = Host.CreateApplicationBuilder(args);
// Stop within the orchestrator's grace period: running jobs are given back and resume elsewhere.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
builder.AddEmbeddings();
builder.AddStorage();
builder.AddIngestion(runWorkers: true);

builder.Build().Run();
