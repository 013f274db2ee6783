using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace KnowledgePlatform.Server.Ingestion;

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
