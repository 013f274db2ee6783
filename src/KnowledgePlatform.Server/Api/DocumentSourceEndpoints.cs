using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Pdf;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>A document's original file and the place of a cited passage in it: what the portal's source view shows.</summary>
public static class DocumentSourceEndpoints
{
    /// <summary>The longest quote the passage endpoint takes; a citation's quote is a sentence or two.</summary>
    private const int MaxQuoteLength = 4000;

    public static RouteGroupBuilder MapDocumentSource(this RouteGroupBuilder api)
    {
        var docs = api.MapGroup("/documents").WithTags("Documents");
        docs.MapGet("/{id}/content", Content).RequireAuthorization(ApiScopes.Read)
            .WithSummary("The document's original file with its content type: the indexed version (the one citations quote) unless ?version= names another");
        docs.MapGet("/{id}/passage", Passage).RequireAuthorization(ApiScopes.Read)
            .WithSummary("Where a cited passage stands in the document (?chunk= and/or ?quote=): for a PDF the page and the boxes to highlight, for other formats the extracted text and the stretch to mark");
        return api;
    }

    /// <summary>
    /// A document of the caller's tenant or of a knowledge base shared with it (decision 0042; citations of shared answers
    /// link here too), in a knowledge base the caller reaches, carrying a group the caller holds. Anything else is not found.
    /// </summary>
    private static async Task<Document?> FindAsync(KnowledgeDbContext db, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id
            && (d.TenantId == tenant || db.KnowledgeBaseShares.Any(s => s.KnowledgeBaseId == d.KnowledgeBaseId && s.TenantId == tenant)), ct);
        return document is not null && user.CanReach(document.KnowledgeBaseId) && user.CanSee(document) ? document : null;
    }

    private static string KeyOf(Document document, int version) => version == document.Version ? document.StorageKey : FileKeys.Version(document, version);

    private static async Task<Stream?> OpenAsync(IFileStore files, Document document, int version, CancellationToken ct)
    {
        try
        {
            return await files.OpenReadAsync(KeyOf(document, version), ct);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static ProblemHttpResult FileMissing(string id, int version) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, "file_missing", $"Version {version} of document '{id}' has no stored file.");

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Content(
        string id, int? version, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, IFileStore files, CancellationToken ct)
    {
        var document = await FindAsync(db, user, id, ct);
        if (document is null) return ApiProblems.NotFound("document", id);
        var wanted = version ?? document.IndexedVersion ?? document.Version;
        if (wanted < 1 || wanted > document.Version) return ApiProblems.NotFound("version", $"{id} v{wanted}");
        var content = await OpenAsync(files, document, wanted, ct);
        if (content is null) return FileMissing(id, wanted);
        // A download, never a page of this origin: an uploaded HTML file must not run with the reader's sign-in.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "sandbox";
        return TypedResults.File(content, FormatDetector.ContentTypeOf(FormatOf(document)), document.FileName, enableRangeProcessing: true);
    }

    private static FileFormat FormatOf(Document document) => Enum.TryParse<FileFormat>(document.Format, out var format) ? format : FileFormat.Unknown;

    private static async Task<Results<Ok<DocumentPassageDto>, ProblemHttpResult>> Passage(
        string id, string? chunk, string? quote, ClaimsPrincipal user, KnowledgeDbContext db, IFileStore files, ExtractorRegistry extractors, CancellationToken ct)
    {
        var document = await FindAsync(db, user, id, ct);
        if (document is null) return ApiProblems.NotFound("document", id);
        if (quote is { Length: > MaxQuoteLength }) return ApiProblems.Validation("quote_too_long", $"A quote has at most {MaxQuoteLength} characters.");
        Chunk? cited = null;
        if (chunk is { Length: > 0 })
        {
            cited = await db.Chunks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == chunk && c.DocumentId == document.Id && c.TenantId == document.TenantId, ct);
            if (cited is null) return ApiProblems.NotFound("chunk", chunk);
        }
        var version = cited?.Version ?? document.IndexedVersion ?? document.Version;
        // The quote's pieces first, then the whole chunk: a redacted or edited quote may not stand in the original, its chunk's first words do.
        var parts = QuotedSpan.Parts(quote);
        await using var content = await OpenAsync(files, document, version, ct);
        if (content is null) return FileMissing(id, version);
        var format = FormatOf(document);
        var passage = new DocumentPassageDto(document.Id, document.FileName, document.Title ?? document.FileName, document.Format, version,
            $"/api/v1/documents/{Uri.EscapeDataString(document.Id)}/content?version={version}", cited?.Id, quote);
        try
        {
            if (format == FileFormat.Pdf)
            {
                var located = PdfQuoteLocator.Locate(content, cited?.Page, parts, cited?.Text, ct);
                return TypedResults.Ok(passage with { Page = located.Page, PageCount = located.PageCount, Boxes = located.Boxes });
            }
            var text = ExtractedText.Render(await extractors.For(format).ExtractAsync(content, document.FileName, ct));
            return TypedResults.Ok(passage with { Text = text, Marks = Mark(text, parts, cited?.Text) });
        }
        catch (ExtractionException ex)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ex.Code, ex.Message);
        }
    }

    /// <summary>The stretches of <paramref name="text"/> holding the quote's pieces; when none is found, the chunk's own text.</summary>
    private static IReadOnlyList<TextMark> Mark(string text, IReadOnlyList<string> parts, string? fallback)
    {
        var words = QuotedSpan.Words(text);
        var tokens = words.Select(w => w.Text).ToList();
        TextMark? Place(string quote) => QuotedSpan.Find(tokens, QuotedSpan.Words(quote).Select(w => w.Text).ToList()) is var (first, last)
            ? new TextMark(words[first].Start, words[last].Start + words[last].Length - words[first].Start)
            : null;
        var marks = parts.Select(Place).OfType<TextMark>().OrderBy(m => m.Start).ToList();
        if (marks.Count == 0 && fallback is not null && Place(fallback) is { } whole) marks.Add(whole);
        return marks;
    }
}
