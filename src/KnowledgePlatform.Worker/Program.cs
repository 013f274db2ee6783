using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Infrastructure.Telemetry;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Sources;

var builder = WebApplication.CreateBuilder(args);
// Stop within the orchestrator's grace period: running jobs are given back and resume elsewhere.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
builder.AddOutboundHttp();
builder.AddEmbeddings();
builder.AddStorage();
builder.AddIngestion(runWorkers: true);
builder.AddSources(runWorkers: true);
builder.AddTelemetry("knowledgeplatform-worker");

var app = builder.Build();
app.MapPlatformHealth();
app.Run();
