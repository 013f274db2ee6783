namespace KnowledgePlatform.Cli;

public sealed record IngestProgress(string File, string Status, string? Step, int Percent);
