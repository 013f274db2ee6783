using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>Configuration section "Ocr": the command-line tools that read scanned PDF pages (decision 0081).</summary>
public sealed class OcrOptions
{
    public const string Section = "Ocr";

    /// <summary>Language packs used when a knowledge base names none, joined by '+' ("eng", "eng+deu").</summary>
    [Required, RegularExpression(LanguagePattern, ErrorMessage = "Ocr:Languages must be Tesseract language codes joined by '+', for example eng or eng+deu.")]
    public string Languages { get; set; } = "eng";

    /// <summary>The tesseract program (apt-get install tesseract-ocr): a name on PATH or a full path.</summary>
    [Required]
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>The pdftoppm program of Poppler (apt-get install poppler-utils), which renders a page to an image.</summary>
    [Required]
    public string PdfToPpmPath { get; set; } = "pdftoppm";

    /// <summary>Resolution pages are rendered at; Tesseract reads body text best at about 300 dpi.</summary>
    [Range(72, 600)]
    public int Dpi { get; set; } = 300;

    /// <summary>The longest one page may take to render and recognise.</summary>
    public TimeSpan PageTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Why a knowledge base's OCR languages cannot be used, or null.</summary>
    public static string? LanguagesProblem(string languages) =>
        System.Text.RegularExpressions.Regex.IsMatch(languages, LanguagePattern)
            ? null
            : "OCR languages are Tesseract language codes joined by '+', for example eng or eng+deu.";

    /// <summary>Tesseract language codes ("eng", "chi_sim", "deu_latf") joined by '+'.</summary>
    public const string LanguagePattern = "^[a-z][a-z0-9_]{1,30}(\\+[a-z][a-z0-9_]{1,30}){0,7}$";
}
