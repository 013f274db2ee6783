using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Intake;

/// <summary>An item of a source as a document: its stable id, its name (URL or path), the format read and its access groups.</summary>
public sealed record SourceDocument(string DocumentId, string SourceId, string Name, FileFormat Format, IReadOnlyList<string> Groups);
