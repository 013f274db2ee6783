namespace KnowledgePlatform.Core.Ports;

public enum SyncHeartbeat
{
    Continue,
    /// <summary>The source was paused: stop and end the run as cancelled.</summary>
    Paused,
    /// <summary>The run is gone (source removed) or another worker holds it: stop without writing.</summary>
    Lost,
}
