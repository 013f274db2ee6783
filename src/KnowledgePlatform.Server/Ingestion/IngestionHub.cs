using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Ingestion;

/// <summary>What listeners receive for every change of a document's ingestion state.</summary>
public sealed record DocumentProgress(
    string DocumentId, string KnowledgeBaseId, string FileName, int Version, DocumentStatus Status,
    string? Step, int ProgressPercent, int ChunkCount, string? Error, DateTimeOffset UpdatedAt);

/// <summary>
/// Pushes ingestion progress to the portal and other listeners (SignalR, method "progress").
/// Each connection joins its tenant's group and hears only that tenant's documents.
/// </summary>
[Authorize]
public sealed class IngestionHub : Hub
{
    public const string Path = "/hubs/ingestion";
    private static int _connections;

    public static bool HasListeners => Volatile.Read(ref _connections) > 0;

    public static string Group(string tenantId) => "tenant:" + tenantId;

    /// <summary>Connections that see every document of the tenant (admin scope, decision 0040).</summary>
    public static string AllDocumentsGroup(string tenantId) => $"tenant:{tenantId}:all";

    /// <summary>Connections holding one access group.</summary>
    public static string AccessGroup(string tenantId, string group) => $"tenant:{tenantId}:group:{group}";

    /// <summary>Who hears about a document: the whole tenant when it is ungrouped, else admins and holders of one of its groups.</summary>
    public static IReadOnlyList<string> Audience(Document document) =>
        document.Groups.Count == 0
            ? [Group(document.TenantId)]
            : [AllDocumentsGroup(document.TenantId), .. document.Groups.Select(g => AccessGroup(document.TenantId, g))];

    public override async Task OnConnectedAsync()
    {
        var user = Context.User!;
        var tenant = user.TenantId();
        await Groups.AddToGroupAsync(Context.ConnectionId, Group(tenant));
        if (user.VisibleGroups() is { } groups)
            foreach (var group in groups) await Groups.AddToGroupAsync(Context.ConnectionId, AccessGroup(tenant, group));
        else
            await Groups.AddToGroupAsync(Context.ConnectionId, AllDocumentsGroup(tenant));
        Interlocked.Increment(ref _connections);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Interlocked.Decrement(ref _connections);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Relays document changes (and source syncs' progress) from the database to the hub. Reading the database (rather than events
/// inside this process) means progress from separate worker processes reaches listeners the same way.
/// </summary>
public sealed class IngestionProgressRelay(IServiceScopeFactory scopes, IHubContext<IngestionHub> hub, TimeProvider clock, ILogger<IngestionProgressRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watermark = clock.GetUtcNow();
        var syncWatermark = watermark;
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!IngestionHub.HasListeners)
            {
                watermark = syncWatermark = clock.GetUtcNow();
                continue;
            }
            try
            {
                watermark = await RelayChangesSinceAsync(watermark, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                syncWatermark = await Sources.SyncProgress.RelayAsync(scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>(), hub, syncWatermark, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not relay ingestion progress; retrying");
            }
        }
    }

    private async Task<DateTimeOffset> RelayChangesSinceAsync(DateTimeOffset watermark, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var changed = await db.Documents.AsNoTracking()
            .Where(d => d.UpdatedAt > watermark)
            .OrderBy(d => d.UpdatedAt)
            .Take(500)
            .ToListAsync(ct);
        foreach (var d in changed)
        {
            var progress = new DocumentProgress(d.Id, d.KnowledgeBaseId, d.FileName, d.Version, d.Status, d.Step, d.ProgressPercent, d.ChunkCount, d.Error, d.UpdatedAt);
            await hub.Clients.Groups(IngestionHub.Audience(d)).SendAsync("progress", progress, ct);
        }
        return changed.Count > 0 ? changed[^1].UpdatedAt : watermark;
    }
}
