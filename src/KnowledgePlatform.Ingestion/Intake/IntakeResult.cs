using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Ingestion.Intake;

/// <summary>The accepted document; <paramref name="Duplicate"/> when its latest version already had exactly these bytes.</summary>
public sealed record IntakeResult(Document Document, bool Duplicate);
