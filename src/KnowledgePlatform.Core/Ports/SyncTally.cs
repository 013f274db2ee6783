namespace KnowledgePlatform.Core.Ports;

/// <summary>A run's items found and read (added, updated, unchanged), the first reason one was not read (failures first), and the source's items.</summary>
public sealed record SyncTally(int Discovered, int Read, string? FirstFailure, int SourceItems);
