using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>A pending entry, what the source last held at its key, and whether that item's document still exists.</summary>
public sealed record PendingItem(SyncEntry Entry, SourceItem? Item, bool DocumentExists);
