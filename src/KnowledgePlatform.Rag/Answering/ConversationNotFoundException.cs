namespace KnowledgePlatform.Rag.Answering;

/// <summary>A conversation id that is not the tenant's, or has expired.</summary>
public sealed class ConversationNotFoundException(string id) : Exception($"No conversation '{id}' exists.");
