using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Server.Ingestion;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.SignalR.Client;

namespace KnowledgePlatform.Server.Portal;

/// <summary>
/// The circuit's subscription to the ingestion hub (/hubs/ingestion), as the signed-in user: the hub puts
/// the connection in the user's tenant group, so only that tenant's documents arrive. Pushed, never polled.
/// </summary>
public sealed class IngestionFeed(PortalApiAddress address, PortalCredential credential, ILogger<IngestionFeed> logger) : IIngestionFeed
{
    private HubConnection? _connection;

    public event Func<DocumentProgress, Task>? Progress;

    public event Func<Task>? Reconnected;

    public event Func<Api.Sources.SyncRunDto, Task>? Sync;

    public async Task StartAsync(CancellationToken ct)
    {
        if (_connection is not null) return;
        var cookie = await credential.CookieAsync();
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(address.BaseAddress(), IngestionHub.Path), o => o.Headers["Cookie"] = $"{PortalIdentity.CookieName}={cookie}")
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower)))
            .WithAutomaticReconnect()
            .Build();
        _connection.On<DocumentProgress>("progress", async p =>
        {
            if (Progress is { } handler) await handler(p);
        });
        _connection.On<Api.Sources.SyncRunDto>(Sources.SyncProgress.Method, async run =>
        {
            if (Sync is { } handler) await handler(run);
        });
        _connection.Reconnected += async _ =>
        {
            if (Reconnected is { } handler) await handler();
        };
        try
        {
            await _connection.StartAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            logger.LogWarning(ex, "The portal could not subscribe to ingestion progress");
            throw new PortalApiException(503, "progress_unavailable", "Live progress is unavailable right now; reload the page to see the latest status.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
