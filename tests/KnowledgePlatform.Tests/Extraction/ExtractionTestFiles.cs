// Over 300 lines: generated sample files of every supported format, built in code so that no binary fixture is committed.
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using KnowledgePlatform.Ingestion.Extraction;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Xunit;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgePlatform.Tests.Extraction;

/// <summary>Test inputs built in code, and a helper to run an extractor over bytes or text.</summary>
internal static class ExtractionTestFiles
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The repository's samples/ folder, found above the test assembly.</summary>
    public static string SamplesFolder { get; } = FindSamples();

    public static string SamplePath(string relative) => Path.Combine(SamplesFolder, relative);

    private static string FindSamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples");
            if (Directory.Exists(Path.Combine(candidate, "medical"))) return candidate;
        }
        throw new InvalidOperationException($"No samples/ folder above {AppContext.BaseDirectory}.");
    }

    public static Task<ExtractedDocument> Extract(IDocumentExtractor extractor, byte[] content, string fileName = "file") =>
        extractor.ExtractAsync(new MemoryStream(content), fileName, Ct);

    public static Task<ExtractedDocument> Extract(IDocumentExtractor extractor, string content, string fileName = "file") =>
        Extract(extractor, Encoding.UTF8.GetBytes(content), fileName);

    public static async Task<ExtractionException> Refused(IDocumentExtractor extractor, byte[] content) =>
        await Assert.ThrowsAsync<ExtractionException>(() => Extract(extractor, content));

    /// <summary>
    /// Two pages: a 20pt heading, body text, a bold 11pt subheading, a two-column table; page 2 has a 16pt
    /// heading and a paragraph.
    /// </summary>
    public static byte[] SamplePdf(string? infoTitle = null)
    {
        var builder = new PdfDocumentBuilder();
        if (infoTitle is not null)
        {
            builder.DocumentInformation.Title = infoTitle;
        }

        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);

        var page = builder.AddPage(595, 842);
        page.AddText("Getting Started", 20, new PdfPoint(50, 780), regular);
        page.AddText("This guide explains how to install the product.", 11, new PdfPoint(50, 750), regular);
        page.AddText("It covers the basic setup steps.", 11, new PdfPoint(50, 736), regular);
        page.AddText("Installation", 11, new PdfPoint(50, 700), bold);
        page.AddText("Run the installer and follow the prompts.", 11, new PdfPoint(50, 680), regular);
        page.AddText("Setting", 11, new PdfPoint(50, 650), regular);
        page.AddText("Default", 11, new PdfPoint(250, 650), regular);
        page.AddText("Timeout", 11, new PdfPoint(50, 636), regular);
        page.AddText("30 seconds", 11, new PdfPoint(250, 636), regular);
        page.AddText("Retries", 11, new PdfPoint(50, 622), regular);
        page.AddText("3", 11, new PdfPoint(250, 622), regular);

        var second = builder.AddPage(595, 842);
        second.AddText("Troubleshooting", 16, new PdfPoint(50, 780), regular);
        second.AddText("Restart the service if it stops responding.", 11, new PdfPoint(50, 750), regular);
        return builder.Build();
    }

    /// <summary>One page set in two columns of eight lines each ("Left line N ..." and "Right line N ...").</summary>
    public static byte[] TwoColumnPdf()
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(595, 842);
        for (var i = 0; i < 8; i++)
        {
            page.AddText($"Left line {i} has several words", 10, new PdfPoint(50, 780 - (i * 13)), regular);
            page.AddText($"Right line {i} has several words", 10, new PdfPoint(320, 780 - (i * 13)), regular);
        }

        return builder.Build();
    }

    /// <summary>
    /// A ruled table as word processors export it: grid lines, a header row, a cell wrapped over two lines
    /// next to a vertically centred one; then three bulleted lines with a wide gap after the bullet.
    /// </summary>
    public static byte[] RuledTableAndBulletsPdf()
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(595, 842);
        page.AddText("Settings", 16, new PdfPoint(50, 780), regular);
        double[] columns = [50, 200, 400];
        double[] rows = [760, 742, 710, 692];
        foreach (var y in rows) page.DrawLine(new PdfPoint(columns[0], y), new PdfPoint(columns[^1], y), 0.5);
        foreach (var x in columns) page.DrawLine(new PdfPoint(x, rows[0]), new PdfPoint(x, rows[^1]), 0.5);
        page.AddText("Setting", 10, new PdfPoint(54, 748), regular);
        page.AddText("Default", 10, new PdfPoint(204, 748), regular);
        page.AddText("Timeout", 10, new PdfPoint(54, 722), regular);      // centred between the two lines beside it
        page.AddText("30 seconds, or", 10, new PdfPoint(204, 729), regular);
        page.AddText("longer on slow links", 10, new PdfPoint(204, 716), regular);
        page.AddText("Retries", 10, new PdfPoint(54, 698), regular);
        page.AddText("3", 10, new PdfPoint(204, 698), regular);
        for (var i = 0; i < 3; i++)
        {
            page.AddText("•", 10, new PdfPoint(60, 660 - (i * 14)), regular);
            page.AddText($"Bullet item number {i + 1} of the list.", 10, new PdfPoint(80, 660 - (i * 14)), regular);
        }

        return builder.Build();
    }

    /// <summary>
    /// A ruled "Drug | Dose" table that fills page 1 down to the bottom margin (rows Drug 1 to Drug 30) and
    /// continues at the top of page 2 with the same columns (Drug 31 to Drug 36), optionally repeating the
    /// header row there (or with other columns), followed by a paragraph. Page 2 also has a page number at the bottom.
    /// </summary>
    public static byte[] TableAcrossPagesPdf(bool repeatHeader, double[]? secondPageColumns = null)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);

        void Table(PdfPageBuilder page, double top, double[] columns, IReadOnlyList<(string Drug, string Dose)> rows)
        {
            const double Height = 22;
            for (var i = 0; i <= rows.Count; i++) page.DrawLine(new PdfPoint(columns[0], top - (i * Height)), new PdfPoint(columns[^1], top - (i * Height)), 0.5);
            foreach (var x in columns) page.DrawLine(new PdfPoint(x, top), new PdfPoint(x, top - (rows.Count * Height)), 0.5);
            for (var i = 0; i < rows.Count; i++)
            {
                page.AddText(rows[i].Drug, 10, new PdfPoint(columns[0] + 4, top - (i * Height) - 14), regular);
                page.AddText(rows[i].Dose, 10, new PdfPoint(columns[1] + 4, top - (i * Height) - 14), regular);
            }
        }

        var first = builder.AddPage(595, 842);
        first.AddText("Dosing", 16, new PdfPoint(50, 790), regular);
        Table(first, 770, [50, 200, 450], [("Drug", "Dose"), .. Enumerable.Range(1, 30).Select(i => ($"Drug {i}", $"{i * 10} mg daily"))]);
        var second = builder.AddPage(595, 842);
        Table(second, 800, secondPageColumns ?? [50, 200, 450], [.. repeatHeader ? new[] { ("Drug", "Dose") } : [], .. Enumerable.Range(31, 6).Select(i => ($"Drug {i}", $"{i * 10} mg daily"))]);
        second.AddText("Doses are for adults with normal kidney function.", 10, new PdfPoint(50, 600), regular);
        second.AddText("2", 10, new PdfPoint(290, 30), regular);
        return builder.Build();
    }

    /// <summary>A page with a drawing but no text, like a scan.</summary>
    /// <summary>One page holding only an image (a 1×1 PNG), no text: what a scan looks like to a text extractor.</summary>
    public static byte[] ImageOnlyPdf()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(595, 842);
        page.AddPng(Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="), new PdfRectangle(50, 50, 545, 792));
        return builder.Build();
    }

    public static byte[] TextlessPdf()
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(595, 842);
        page.DrawRectangle(new PdfPoint(50, 50), 200, 100);
        return builder.Build();
    }

    /// <summary>The sample PDF with a standard-security /Encrypt dictionary whose passwords the reader cannot match.</summary>
    public static byte[] EncryptedPdf()
    {
        var text = Encoding.Latin1.GetString(SamplePdf());
        var trailer = text.LastIndexOf("trailer", StringComparison.Ordinal);
        var dictionary = text.IndexOf("<<", trailer, StringComparison.Ordinal) + 2;
        var encrypt = $"/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <{new string('A', 64)}> /U <{new string('B', 64)}> >> ";
        return Encoding.Latin1.GetBytes(text.Insert(dictionary, encrypt));
    }

    /// <summary>
    /// A Word document: core title (optional), a Title paragraph, Heading1/Heading2 (the second heading
    /// style uses a German id, recognised by its name), text, a bullet list and a 2x3 table.
    /// </summary>
    public static byte[] SampleDocx(string? coreTitle = null)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            if (coreTitle is not null)
            {
                document.PackageProperties.Title = coreTitle;
            }

            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new W.Styles(
                Style("Normal", "Normal", outline: null),
                Style("Title", "Title", outline: null),
                Style("Heading1", "heading 1", outline: 0),
                Style("berschrift2", "heading 2", outline: 1),
                Style("ListParagraph", "List Paragraph", outline: null));

            main.Document = new W.Document(new W.Body(
                Paragraph("Product Handbook", "Title"),
                Paragraph("Setup", "Heading1"),
                Paragraph("Install the   agent on every server.", null),
                Paragraph("Requirements", "berschrift2"),
                ListItem("Linux or Windows"),
                ListItem("2 GB of memory"),
                Paragraph("Check these before you start.", null),
                new W.Table(
                    Row("Port", "Purpose"),
                    Row("8080", "HTTP API"),
                    Row("9090", "Metrics")),
                Paragraph("Operation", "Heading1"),
                Paragraph("The agent restarts itself after a crash.", null)));
        }

        return stream.ToArray();

        static W.Style Style(string id, string name, int? outline)
        {
            var style = new W.Style(new W.StyleName { Val = name }) { Type = W.StyleValues.Paragraph, StyleId = id };
            if (outline is { } level)
            {
                style.Append(new W.StyleParagraphProperties(new W.OutlineLevel { Val = level }));
            }

            return style;
        }

        static W.Paragraph Paragraph(string text, string? style)
        {
            var paragraph = new W.Paragraph(new W.Run(new W.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
            if (style is not null)
            {
                paragraph.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = style }));
            }

            return paragraph;
        }

        static W.Paragraph ListItem(string text) => new(
            new W.ParagraphProperties(
                new W.ParagraphStyleId { Val = "ListParagraph" },
                new W.NumberingProperties(new W.NumberingLevelReference { Val = 0 }, new W.NumberingId { Val = 1 })),
            new W.Run(new W.Text(text)));

        static W.TableRow Row(params string[] cells) =>
            new(cells.Select(c => new W.TableCell(new W.Paragraph(new W.Run(new W.Text(c))))));
    }

    /// <summary>
    /// An Excel workbook written with the Open XML SDK: each sheet's rows given as the worksheet's own
    /// sheetData XML (so tests control cell types, references and gaps), plus the shared string table.
    /// </summary>
    public static byte[] Workbook(string[] sharedStrings, params (string Name, bool Hidden, string SheetData)[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook(new S.Sheets());
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new S.SharedStringTable(sharedStrings.Select(t => new S.SharedStringItem(new S.Text(t))));
            uint id = 1;
            foreach (var (name, hidden, sheetData) in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = new S.Worksheet(
                    $"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>{sheetData}</x:sheetData></x:worksheet>");
                workbook.Workbook.Sheets!.Append(new S.Sheet
                {
                    Id = workbook.GetIdOfPart(part), SheetId = id++, Name = name,
                    State = hidden ? S.SheetStateValues.Hidden : null,
                });
            }
        }

        return stream.ToArray();
    }

    /// <summary>A zip whose <paramref name="entryName"/> is <paramref name="zeros"/> bytes of zeros, written streaming.</summary>
    public static byte[] ZipOfZeros(long zeros, string entryName = "word/document.xml")
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(entryName, CompressionLevel.Optimal).Open();
            var block = new byte[1024 * 1024];
            for (long written = 0; written < zeros; written += block.Length)
            {
                entry.Write(block, 0, (int)Math.Min(block.Length, zeros - written));
            }
        }

        return stream.ToArray();
    }

    /// <summary>A zip with the given entries (name, text).</summary>
    public static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        return stream.ToArray();
    }
}
