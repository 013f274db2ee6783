using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A scanned PDF made in the test (text rendered to an image, the image wrapped in a PDF page) is read by OCR with its
/// page number, says it was, and answers a question (decision 81). Needs tesseract and pdftoppm: skipped without
/// them, mandatory in CI.
/// </summary>
public sealed class ScannedPdfTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "letters";

    /// <summary>The image of a faxed letter, after a cover page with a text layer when <paramref name="cover"/>.</summary>
    private static async Task<byte[]> ScannedLetterAsync(CancellationToken ct, bool cover = true)
    {
        var letter = new PdfDocumentBuilder();
        var font = letter.AddStandard14Font(Standard14Font.Helvetica);
        var page = letter.AddPage(595, 842);
        page.AddText("Discharge letter", 26, new PdfPoint(60, 760), font);
        string[] lines =
        [
            "The patient was treated for community acquired pneumonia.",
            "Continue amoxicillin 500 mg three times a day for five more days.",
            "Review at the chest clinic in six weeks with a repeat chest X-ray.",
        ];
        for (var i = 0; i < lines.Length; i++) page.AddText(lines[i], 13, new PdfPoint(60, 710 - (i * 24)), font);
        var image = await OcrTools.RasteriseAsync(letter.Build(), 200, ct);

        var scanned = new PdfDocumentBuilder();
        if (cover) scanned.AddPage(595, 842).AddText("Fax cover sheet from Riverside Health", 14, new PdfPoint(60, 760), scanned.AddStandard14Font(Standard14Font.Helvetica));
        scanned.AddPage(595, 842).AddPng(image, new PdfRectangle(0, 0, 595, 842));
        return scanned.Build();
    }

    [Fact]
    public async Task A_scanned_page_is_recognised_keeps_its_page_number_and_answers_a_question()
    {
        OcrTools.Require();
        var pdf = await ScannedLetterAsync(Ct);

        var document = await PlatformHost.IngestAsync(Admin, "letters", "discharge-letter.pdf", pdf, Ct);

        Assert.Equal("ready", document.GetProperty("status").GetString());
        var recognition = document.GetProperty("recognition");
        Assert.StartsWith("tesseract", recognition.GetProperty("engine").GetString(), StringComparison.Ordinal);
        Assert.Equal("eng", recognition.GetProperty("languages").GetString());
        Assert.Equal(1, recognition.GetProperty("pages").GetInt32());
        Assert.InRange(recognition.GetProperty("confidence").GetDouble(), 70, 100);
        TestSummary.Report($"OCR read 1 page with confidence {recognition.GetProperty("confidence").GetDouble():0.0}");

        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/letters/ask", new { question = "What dose of amoxicillin should the patient continue?" }, Ct);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, Ct);
        Assert.Equal("answered", answer.GetProperty("status").GetString());
        Assert.Contains("500 mg", answer.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var citation = answer.GetProperty("citations")[0];
        Assert.Equal("discharge-letter.pdf", citation.GetProperty("fileName").GetString());
        Assert.Equal(2, citation.GetProperty("page").GetInt32());
    }

    [Fact]
    public async Task A_knowledge_base_asking_for_a_missing_language_pack_is_told_which_package_to_install()
    {
        OcrTools.Require();
        using (var patch = await Admin.PatchAsJsonAsync("/api/v1/knowledge-bases/letters", new { ocrLanguages = "eng+zzz" }, Ct))
            Assert.Equal("eng+zzz", (await patch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("ocrLanguages").GetString());

        var document = await PlatformHost.IngestAsync(Admin, "letters", "discharge-letter.pdf", await ScannedLetterAsync(Ct, cover: false), Ct);

        Assert.Equal("failed", document.GetProperty("status").GetString());
        Assert.Contains("apt-get install tesseract-ocr-zzz", document.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
