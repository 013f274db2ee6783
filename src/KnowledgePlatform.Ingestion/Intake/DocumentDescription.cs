namespace KnowledgePlatform.Ingestion.Intake;

/// <summary>Searchable metadata a document is submitted with (a package import's), written with it before its job is queued.</summary>
public sealed record DocumentDescription(IReadOnlyList<string> Tags, DateOnly? EffectiveDate);
