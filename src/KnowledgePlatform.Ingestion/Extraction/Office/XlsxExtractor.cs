using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using KnowledgePlatform.Ingestion.Extraction.TextFormats;
using S = DocumentFormat.OpenXml.Spreadsheet;

namespace KnowledgePlatform.Ingestion.Extraction.Office;

/// <summary>
/// Excel (.xlsx) via the Open XML SDK, read like CSV files: each visible worksheet is a section named after
/// the sheet; its first non-blank row is the header. With question and answer columns each row is one
/// question-answer unit (under its category column when there is one), otherwise the sheet is one table.
/// Locations are sheet row numbers. Cells hold shared strings, inline (rich) strings, numbers as stored,
/// booleans and cached formula results. Sheets are read row by row with a forward-only reader, after the
/// same zip-bomb check as Word files.
/// </summary>
public sealed class XlsxExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.Xlsx;

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken) =>
        OpenXmlArchive.Excel.ExtractAsync(content, (stream, settings) => SpreadsheetDocument.Open(stream, false, settings),
            document => Read(document, cancellationToken), cancellationToken);

    private static ExtractedDocument Read(SpreadsheetDocument document, CancellationToken cancellationToken)
    {
        var workbook = document.WorkbookPart ?? throw OpenXmlArchive.Excel.Corrupt();
        var sheets = workbook.Workbook?.Sheets?.Elements<S.Sheet>() ?? throw OpenXmlArchive.Excel.Corrupt();
        var sharedStrings = SharedStrings(workbook.SharedStringTablePart);
        var blocks = new BlockList();
        foreach (var sheet in sheets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var hidden = sheet.State?.Value is { } state && state != S.SheetStateValues.Visible;
            if (hidden || sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
            {
                continue; // hidden sheets, chart sheets and dangling references hold nothing to read
            }

            var rows = ReadRows(part, sharedStrings, cancellationToken);
            CsvExtractor.AddRecords(blocks, rows, [Text.Normalize(sheet.Name?.Value)]);
        }

        if (blocks.Count == 0)
        {
            throw Text.NoText("the workbook");
        }

        var title = Text.Normalize(document.PackageProperties.Title);
        return new ExtractedDocument(title.Length > 0 ? title : null, blocks.Blocks);
    }

    /// <summary>The sheet's non-blank rows as records (row number, cells by column, gaps filled with "").</summary>
    private static List<CsvExtractor.CsvRecord> ReadRows(WorksheetPart part, IReadOnlyList<string> sharedStrings, CancellationToken cancellationToken)
    {
        var records = new List<CsvExtractor.CsvRecord>();
        var rowNumber = 0;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(S.Row) || !reader.IsStartElement)
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var row = (S.Row)reader.LoadCurrentElement()!;
            rowNumber = row.RowIndex?.Value is { } index ? (int)index : rowNumber + 1;
            var cells = new List<string>();
            foreach (var cell in row.Elements<S.Cell>())
            {
                var column = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                if (column > cells.Count + 1000)
                {
                    break; // a stray cell far to the right is not part of the table
                }

                while (cells.Count < column)
                {
                    cells.Add(string.Empty);
                }

                cells.Add(CellText(cell, sharedStrings));
            }

            if (cells.Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                records.Add(new CsvExtractor.CsvRecord(rowNumber, cells));
            }
        }

        return records;
    }

    private static string CellText(S.Cell cell, IReadOnlyList<string> sharedStrings)
    {
        var value = cell.CellValue?.Text ?? string.Empty;
        var type = cell.DataType?.Value;
        if (type == S.CellValues.SharedString)
        {
            return int.TryParse(value, out var index) && index >= 0 && index < sharedStrings.Count ? sharedStrings[index] : string.Empty;
        }

        if (type == S.CellValues.InlineString)
        {
            return cell.InlineString is { } inline ? StringItemText(inline) : value;
        }

        if (type == S.CellValues.Boolean)
        {
            return value == "1" ? "TRUE" : "FALSE";
        }

        return value; // numbers as stored, cached formula results, error values
    }

    private static List<string> SharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(S.SharedStringItem) && reader.IsStartElement)
            {
                strings.Add(StringItemText((S.SharedStringItem)reader.LoadCurrentElement()!));
            }
        }

        return strings;
    }

    /// <summary>A plain or rich-text string item; phonetic guides (rPh) are not part of the text.</summary>
    private static string StringItemText(OpenXmlElement item) =>
        string.Concat(item.ChildElements.Select(child => child switch
        {
            S.Text text => text.Text,
            S.Run run => run.Text?.Text ?? string.Empty,
            _ => string.Empty,
        }));

    /// <summary>The 0-based column of a reference like "C12", or null when there is none.</summary>
    internal static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c) || letters == 3)
            {
                break;
            }

            column = (column * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
            letters++;
        }

        return letters == 0 ? null : column - 1;
    }
}
