using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Ingestion;

/// <summary>What listeners receive for every change of a document's ingestion state.</summary>
public sealed record DocumentProgress(
    string DocumentId, string KnowledgeBaseId, string FileName, int Version, DocumentStatus Status,
    string? Step, int ProgressPercent, int ChunkCount, string? Error, DateTimeOffset UpdatedAt);
