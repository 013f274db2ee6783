namespace KnowledgePlatform.ModelHost;

/// <summary>The name and start time of the chat model this host serves.</summary>
public sealed record ServedModel(string Id, long Created);
