using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Intake;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Demo;

/// <summary>
/// On first start, creates the demo tenants, their keys and knowledge bases and ingests the sample
/// documents through the normal intake; readiness waits until they are ingested.
/// </summary>
public sealed class DemoSeeder(
    IServiceScopeFactory scopes,
    IOptions<DemoOptions> options,
    IHostEnvironment environment,
    ILogger<DemoSeeder> logger) : BackgroundService, IHealthCheck
{
    private volatile bool _done;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done || !options.Value.Enabled
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded("Ingesting the demo knowledge bases."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            _done = true;
            return;
        }
        try
        {
            var samples = SamplesFolder();
            var knowledgeBaseIds = new List<string>();
            foreach (var tenant in options.Value.Tenants)
                knowledgeBaseIds.Add(await SeedAsync(tenant, samples, stoppingToken));
            await WaitUntilIngestedAsync(knowledgeBaseIds, stoppingToken);
            foreach (var tenant in options.Value.Tenants)
                logger.LogInformation("Demo tenant {Tenant}: knowledge base '{KnowledgeBase}', API key {ApiKey}", tenant.Name, tenant.KnowledgeBase, tenant.ApiKey);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Seeding the demo tenants failed; the server runs without them");
        }
        _done = true;
    }

    private async Task<string> SeedAsync(DemoTenant demo, string? samples, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AnyAsync(t => t.Id == demo.Id, ct)) db.Tenants.Add(new Tenant { Id = demo.Id, Name = demo.Name, PolicyTemplate = demo.Policy });
        var hash = ApiKeys.Hash(demo.ApiKey);
        if (!await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct)) db.ApiKeys.Add(ApiKeys.Create(demo.Id, "demo key", demo.ApiKey));
        var kb = await db.FindKnowledgeBaseAsync(demo.Id, demo.KnowledgeBase, ct);
        var created = kb is null;
        if (kb is null)
        {
            kb = KnowledgeBase.Create(demo.Id, demo.KnowledgeBase, demo.Vertical, scope.ServiceProvider.GetRequiredService<EmbeddingModelCard>(),
                $"Sample {demo.Vertical} documents from samples/{demo.Folder}");
            db.KnowledgeBases.Add(kb);
        }
        await db.SaveChangesAsync(ct);
        if (demo.UserEmail is { Length: > 0 } email && demo.UserPassword is { Length: > 0 } password)
            await Security.PortalSeeder.EnsureUserAsync(scope.ServiceProvider, demo.Id, email, password, Security.PortalRoles.TenantAdmin);
        if (!string.IsNullOrEmpty(demo.WidgetKey)) await SeedWidgetKeyAsync(db, demo, kb, ct);
        if (!created) return kb.Id;

        var folder = samples is null ? null : Path.Combine(samples, demo.Folder);
        if (folder is null || !Directory.Exists(folder))
        {
            logger.LogWarning("No sample folder for demo knowledge base {KnowledgeBase}; it starts empty", demo.KnowledgeBase);
            return kb.Id;
        }
        var intake = scope.ServiceProvider.GetRequiredService<DocumentIntake>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file).StartsWith("README", StringComparison.OrdinalIgnoreCase)) continue;
            try
            {
                await using var content = File.OpenRead(file);
                await intake.SubmitAsync(kb, Path.GetFileName(file), content, ct);
            }
            catch (IntakeException ex)
            {
                logger.LogWarning("Sample {File} was refused: {Reason}", Path.GetFileName(file), ex.Message);
            }
        }
        return kb.Id;
    }

    /// <summary>The demo widget key: ask only, on the demo knowledge base, from the configured origins (updated on every start).</summary>
    private static async Task SeedWidgetKeyAsync(KnowledgeDbContext db, DemoTenant demo, KnowledgeBase kb, CancellationToken ct)
    {
        var hash = ApiKeys.Hash(demo.WidgetKey!);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash, ct);
        if (key is null)
        {
            key = ApiKeys.Create(demo.Id, "demo widget key", demo.WidgetKey!);
            key.Kind = ApiKeyKind.Widget;
            key.Scopes = [ApiScopes.Ask];
            key.KnowledgeBaseIds = [kb.Id];
            db.ApiKeys.Add(key);
        }
        key.AllowedOrigins = demo.WidgetOrigins.Select(Security.WidgetOrigins.Normalise).ToList();
        await db.SaveChangesAsync(ct);
    }

    private async Task WaitUntilIngestedAsync(List<string> knowledgeBaseIds, CancellationToken ct)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var pending = await db.Documents.CountAsync(d => knowledgeBaseIds.Contains(d.KnowledgeBaseId)
                && (d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing), ct);
            if (pending == 0) return;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private string? SamplesFolder()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.SamplesPath)) return Path.GetFullPath(options.Value.SamplesPath);
        foreach (var start in new[] { environment.ContentRootPath, Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
