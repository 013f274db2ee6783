using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.Infrastructure.Telemetry;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Sources;
using KnowledgePlatform.Rag;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Api.CdsHooks;
using KnowledgePlatform.Server.Calibration;
using KnowledgePlatform.Server.CdsHooks;
using KnowledgePlatform.Server.Demo;
using KnowledgePlatform.Server.Portal;
using KnowledgePlatform.Server.Security;

// Settings and prompts are read from beside the program, wherever it is started from; the data folder stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddStaticAssetsFromBuildOutput();
builder.AddOutboundHttp();
builder.AddEmbeddings();
builder.AddStorage();
builder.AddIngestion(runWorkers: true);
builder.AddSources(runWorkers: true);
builder.AddChat();
builder.AddRag();
builder.AddSharedDataProtection();
builder.AddCalibration();
builder.AddApiKeyAuthentication();
builder.AddApiTokens();
builder.AddPortalIdentity();
builder.AddPortal();
builder.AddRateLimits();
builder.AddDemoTenants();
builder.AddApi();
builder.AddCdsHooks();
builder.AddTelemetry("knowledgeplatform-server");

var app = builder.Build();
app.UseApi();
app.MapCdsHooks();
app.MapPortalAccount();
app.MapPortal();
app.MapPlatformHealth();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
