using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>
/// The pages of one PDF that have no text layer, read by OCR as the extractor meets them (decision 0081). Keeps
/// what a document records about it (pages, confidence) and, when OCR cannot run, says exactly what to install.
/// The recogniser reads a file: the PDF is copied to a temporary one the first time a page needs it.
/// </summary>
internal sealed class ScannedPages(ITextRecognizer? recognizer, Stream pdf, ExtractionSettings settings) : IAsyncDisposable
{
    private const string Install = "Install Tesseract OCR and Poppler on the server that runs ingestion: apt-get install tesseract-ocr poppler-utils (plus tesseract-ocr-<language> for languages other than English); then retry the document.";

    private readonly List<int> _textless = [];
    private readonly string _languages = settings.OcrLanguages ?? "eng";
    private string? _problem;
    private bool _checked;
    private string? _file;
    private int _recognized;
    private long _words;
    private double _confidenceSum;

    /// <summary>Reads one text-less page; null when OCR cannot run here (the reason is kept for <see cref="NoText"/>).</summary>
    public async Task<RecognizedPage?> RecognizeAsync(int page, int pageCount, CancellationToken cancellationToken)
    {
        _textless.Add(page);
        if (recognizer is null)
        {
            _problem = $"This server reads no scanned pages. {Install}";
            return null;
        }

        if (!_checked)
        {
            _problem = await recognizer.ProblemAsync(_languages, cancellationToken);
            _checked = true;
        }

        if (_problem is not null)
        {
            return null;
        }

        _file ??= await CopyToFileAsync(cancellationToken);
        var recognized = await recognizer.RecognizeAsync(_file, page, _languages, cancellationToken);
        _recognized++;
        _words += recognized.Words;
        _confidenceSum += recognized.Confidence * recognized.Words;
        if (settings.ReportPercent is { } report)
        {
            await report(page * 100 / pageCount, cancellationToken);
        }

        return recognized;
    }

    /// <summary>What the document records: set when OCR read at least one page.</summary>
    public async Task<TextRecognition?> SummaryAsync(CancellationToken cancellationToken) =>
        _recognized == 0 || recognizer is null
            ? null
            : new TextRecognition(await recognizer.EngineAsync(cancellationToken), _languages, _recognized, _words == 0 ? 0 : Math.Round(_confidenceSum / _words, 1));

    /// <summary>The error for a PDF that gave no text at all: scanned without OCR, scanned but unreadable, or empty.</summary>
    public ExtractionException NoText()
    {
        if (_textless.Count == 0)
        {
            return new ExtractionException("no_text", "No text could be extracted from the PDF.");
        }

        var pages = _textless.Count == 1 ? $"page {_textless[0]} has" : $"{_textless.Count} pages ({Describe(_textless)}) have";
        return _problem is not null
            ? new ExtractionException("ocr_unavailable", $"The PDF looks scanned: {pages} no text layer. {_problem}")
            : new ExtractionException("no_text", $"The PDF looks scanned ({pages} no text layer) and OCR found no text in its images.");
    }

    public ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            File.Delete(_file);
        }

        return ValueTask.CompletedTask;
    }

    private async Task<string> CopyToFileAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kp-ocr-{Guid.NewGuid():N}.pdf");
        var position = pdf.Position;
        try
        {
            pdf.Position = 0;
            await using var file = File.Create(path);
            await pdf.CopyToAsync(file, cancellationToken);
        }
        finally
        {
            pdf.Position = position;
        }

        return path;
    }

    private static string Describe(List<int> pages) =>
        pages.Count <= 5 ? string.Join(", ", pages) : $"{string.Join(", ", pages.Take(5))}, …";
}
