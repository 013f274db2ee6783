namespace KnowledgePlatform.Cli;

public sealed class CliException(string message) : Exception(message);
