using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline.Steps;

/// <summary>
/// extract: the stored file becomes a structured document; scanned PDF pages are read by OCR in the knowledge
/// base's languages, and the document records that they were (decision 0081).
/// </summary>
public sealed class ExtractStep(IFileStore files, ExtractorRegistry extractors, IIngestionStore store, IOptions<Extraction.Ocr.OcrOptions> ocr) : IIngestionStep
{
    public string Name => "extract";
    public bool Durable => false;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var format = Enum.Parse<FileFormat>(context.Document.Format);
        await using var content = await files.OpenReadAsync(context.Document.StorageKey, cancellationToken);
        var settings = new ExtractionSettings(context.KnowledgeBase.OcrLanguages ?? ocr.Value.Languages, context.ReportAsync);
        context.Extracted = await extractors.For(format).ExtractAsync(content, context.Document.FileName, settings, cancellationToken);
        if (context.Extracted.Blocks.Count == 0)
            throw new ExtractionException("no_text", "No text could be extracted from the file.");
        if (context.Extracted.Recognition is not null || context.Document.Recognition is not null)
            await store.RecordRecognitionAsync(context.Document.Id, context.Version, context.Extracted.Recognition, cancellationToken);
    }
}
