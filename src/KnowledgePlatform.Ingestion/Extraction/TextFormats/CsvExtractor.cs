using System.Text;

namespace KnowledgePlatform.Ingestion.Extraction.TextFormats;

/// <summary>
/// CSV (RFC 4180: quoted fields may hold delimiters, line breaks and doubled quotes) with a header row.
/// With question and answer columns (question/q/frage, answer/a/antwort) each row is a question and its
/// answer, under its category column when there is one; otherwise the file is one table. The delimiter
/// (comma, semicolon or tab) is taken from the header line.
/// </summary>
public sealed class CsvExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.Csv;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = await Text.ReadTextAsync(content, cancellationToken);
        var records = Parse(text, cancellationToken);
        if (records.Count == 0)
        {
            throw Text.EmptyFile();
        }

        var blocks = new BlockList();
        AddRecords(blocks, records, []);
        return blocks.Count == 0 ? throw Text.EmptyFile() : new ExtractedDocument(null, blocks.Blocks);
    }

    /// <summary>
    /// Adds a header row and its records under <paramref name="headingPath"/>: one question-answer block per
    /// record when the header names question and answer columns (nested under the record's category when
    /// there is a category column), else one table. Each record keeps its line (a CSV line, a sheet row).
    /// Shared with the spreadsheet extractor, whose rows are records too.
    /// </summary>
    internal static void AddRecords(BlockList blocks, IReadOnlyList<CsvRecord> records, IReadOnlyList<string> headingPath)
    {
        if (records.Count == 0)
        {
            return;
        }

        var header = records[0].Fields;
        var question = FindColumn(header, IsQuestionColumn);
        var answer = FindColumn(header, IsAnswerColumn);
        if (question >= 0 && answer >= 0 && question != answer)
        {
            var category = FindColumn(header, IsCategoryColumn);
            foreach (var record in records.Skip(1))
            {
                var path = category >= 0 && Field(record, category) is { Length: > 0 } name ? [.. headingPath, Text.Normalize(name)] : headingPath;
                blocks.AddQuestion(Field(record, question), Field(record, answer), path, new SourceSpan(Line: record.Line));
            }
        }
        else
        {
            blocks.AddTable(header, records.Skip(1).Select(r => r.Fields), headingPath, new SourceSpan(Line: records[0].Line));
        }
    }

    private static string Field(CsvRecord record, int index) => index < record.Fields.Count ? record.Fields[index] : string.Empty;

    private static int FindColumn(IReadOnlyList<string> header, Func<string, bool> matches)
    {
        for (var i = 0; i < header.Count; i++)
        {
            var name = new string(header[i].Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            if (matches(name))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsQuestionColumn(string name) =>
        name is "q" || name.Contains("question", StringComparison.Ordinal) || name.Contains("frage", StringComparison.Ordinal);

    private static bool IsAnswerColumn(string name) =>
        name is "a" || name.Contains("answer", StringComparison.Ordinal) || name.Contains("antwort", StringComparison.Ordinal);

    private static bool IsCategoryColumn(string name) =>
        name is "category" or "kategorie" or "section" or "topic" or "thema" or "bereich";

    internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

    /// <summary>Parses all records; blank lines are skipped. An unterminated quote is a <c>csv_malformed</c> error.</summary>
    internal static List<CsvRecord> Parse(string text, CancellationToken cancellationToken)
    {
        var delimiter = DetectDelimiter(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var fieldStarted = false;

        void EndField()
        {
            fields.Add(field.ToString());
            field.Clear();
            fieldStarted = false;
        }

        void EndRecord()
        {
            EndField();
            if (fields.Count > 1 || fields[0].Trim().Length > 0)
            {
                records.Add(new CsvRecord(recordLine, fields.ToArray()));
            }

            fields.Clear();
        }

        while (i < text.Length)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var c = text[i];
            if (c == '"' && !fieldStarted)
            {
                var quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new ExtractionException("csv_malformed",
                            $"The CSV file has a quoted field starting on line {quoteLine} that is never closed; check the quotes on line {quoteLine}.");
                    }

                    var q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (q == '\n' || (q == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }

                    field.Append(q);
                    i++;
                }

                fieldStarted = true;
                continue;
            }

            if (c == delimiter)
            {
                EndField();
                i++;
            }
            else if (c is '\r' or '\n')
            {
                EndRecord();
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
                recordLine = line;
            }
            else
            {
                // Text after a closing quote, or a quote inside an unquoted field, is kept as it is.
                field.Append(c);
                fieldStarted = true;
                i++;
            }
        }

        if (fieldStarted || fields.Count > 0)
        {
            EndRecord();
        }

        return records;
    }

    /// <summary>The most frequent of ',', ';' and tab outside quotes on the first line (comma on a tie).</summary>
    private static char DetectDelimiter(string text)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                break;
            }
            else if (!quoted)
            {
                comma += c == ',' ? 1 : 0;
                semicolon += c == ';' ? 1 : 0;
                tab += c == '\t' ? 1 : 0;
            }
        }

        return semicolon > comma && semicolon >= tab ? ';' : tab > comma && tab > semicolon ? '\t' : ',';
    }
}
