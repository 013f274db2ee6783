namespace KnowledgePlatform.Cli;

public sealed record SearchHit(string Title, string FileName, string Location, double Score, string Text);
