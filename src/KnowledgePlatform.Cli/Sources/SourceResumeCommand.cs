namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceResumeCommand() : SourceStateCommand("resume", "Resumed");
