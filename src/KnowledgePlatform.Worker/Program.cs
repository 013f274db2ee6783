using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Infrastructure.Telemetry;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Sources;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(args);
// Stop within the orchestrator's grace period: running jobs are given back and resume elsewhere.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
builder.AddOutboundHttp();
builder.AddEmbeddings();
builder.AddStorage();
builder.AddIngestion(runWorkers: true);
builder.AddSources(runWorkers: true);
builder.AddTelemetry("knowledgeplatform-worker", metrics => metrics.AddPrometheusExporter());

var app = builder.Build();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
app.MapPrometheusScrapingEndpoint("/metrics");
app.Run();
