using KnowledgePlatform.Server.Ingestion;

namespace KnowledgePlatform.Server.Portal;

/// <summary>What the documents page listens to: pushed ingestion progress of the user's tenant.</summary>
public interface IIngestionFeed : IAsyncDisposable
{
    event Func<DocumentProgress, Task>? Progress;

    /// <summary>The subscription came back after a drop: pushes sent meanwhile were missed.</summary>
    event Func<Task>? Reconnected;

    /// <summary>Pushed progress of the tenant's source syncs (decision 0080).</summary>
    event Func<Api.Sources.SyncRunDto, Task>? Sync
    {
        add { }
        remove { }
    }

    Task StartAsync(CancellationToken ct);
}
