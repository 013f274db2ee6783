namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>What an extraction may need beyond the file: the knowledge base's OCR languages, a progress report (also a heartbeat).</summary>
public sealed record ExtractionSettings(string? OcrLanguages = null, Func<int, CancellationToken, Task>? ReportPercent = null);
