namespace KnowledgePlatform.Cli;

public sealed record IngestOutcome(string File, string Status, int Chunks, string? Error);
