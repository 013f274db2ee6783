namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>What every card and audit record of one hook call shares.</summary>
public sealed record CdsCallRecord(string Service, string Hook, string HookInstance, string KnowledgeBaseVersion, string SourceViewBase);
