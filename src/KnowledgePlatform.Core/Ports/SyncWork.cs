using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>A claimed sync with its source and knowledge base.</summary>
public sealed record SyncWork(SyncRun Run, Source Source, KnowledgeBase KnowledgeBase);
