namespace KnowledgePlatform.Core.Ports;

/// <summary>A key to read in this run, <paramref name="Depth"/> links from the start.</summary>
public sealed record FrontierEntry(string Key, int Depth);
