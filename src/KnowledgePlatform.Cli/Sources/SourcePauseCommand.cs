namespace KnowledgePlatform.Cli.Sources;

public sealed class SourcePauseCommand() : SourceStateCommand("pause", "Paused");
