namespace KnowledgePlatform.Ingestion.Extraction;

public enum FileFormat
{
    Unknown,
    Pdf,
    Docx,
    Html,
    Markdown,
    PlainText,
    Csv,
    Xlsx,
    JsonLines,
    Pptx,
}
