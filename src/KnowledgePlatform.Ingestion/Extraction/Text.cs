using System.Text;
using System.Text.Unicode;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>Helpers the extractors share: reading and decoding input, whitespace, errors.</summary>
internal static class Text
{
    private static readonly Encoding Utf8Lenient = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Windows-1252 is what "Latin-1" files usually are (it is ISO-8859-1 plus printable 0x80-0x9F).</summary>
    private static readonly Encoding Legacy =
        CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static ExtractionException EmptyFile() => new("empty_file", "The file is empty.");

    public static ExtractionException NoText(string what = "the file") =>
        new("no_text", $"No text could be extracted from {what}.");

    /// <summary>Reads the whole stream; a 0-byte stream is an <c>empty_file</c> error.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(Stream content, CancellationToken cancellationToken)
    {
        using var buffer = content.CanSeek
            ? new MemoryStream(checked((int)Math.Max(0, content.Length - content.Position)))
            : new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            throw EmptyFile();
        }

        return buffer.GetBuffer().Length == buffer.Length ? buffer.GetBuffer() : buffer.ToArray();
    }

    /// <summary>Reads and decodes a text file; empty or whitespace-only content is an <c>empty_file</c> error.</summary>
    public static async Task<string> ReadTextAsync(Stream content, CancellationToken cancellationToken)
    {
        var text = Decode(await ReadAllBytesAsync(content, cancellationToken));
        if (string.IsNullOrWhiteSpace(text))
        {
            throw EmptyFile();
        }

        return text;
    }

    /// <summary>
    /// UTF-8 (with or without BOM), UTF-16 LE/BE with BOM; bytes that are not valid UTF-8 are read as
    /// Windows-1252 (a superset of Latin-1's printable characters).
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var encoding = DetectEncoding(bytes, out var bomLength);
        return encoding.GetString(bytes[bomLength..]);
    }

    /// <summary>The encoding <see cref="Decode"/> would use, from a BOM or the bytes seen so far.</summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> bytes, out int bomLength)
    {
        if (bytes.StartsWith(Utf8Bom))
        {
            bomLength = 3;
            return Utf8Lenient;
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            bomLength = 2;
            return Encoding.Unicode;
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            bomLength = 2;
            return Encoding.BigEndianUnicode;
        }

        bomLength = 0;
        return Utf8.IsValid(bytes) || IsValidUtf8CutShort(bytes) ? Utf8Lenient : Legacy;
    }

    /// <summary>True when the bytes are valid UTF-8 except for a multi-byte sequence cut off at the end.</summary>
    private static bool IsValidUtf8CutShort(ReadOnlySpan<byte> bytes)
    {
        for (var cut = 1; cut <= 3 && cut < bytes.Length; cut++)
        {
            if ((bytes[^cut] & 0xC0) != 0x80)
            {
                // The lead byte of the last sequence: valid if everything before it is.
                return (bytes[^cut] & 0xC0) == 0xC0 && Utf8.IsValid(bytes[..^cut]);
            }
        }

        return false;
    }

    /// <summary>Collapses runs of whitespace (including newlines and NBSP) to one space and trims.</summary>
    public static string Normalize(ReadOnlySpan<char> value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || c == '\u200B' || c == '\uFEFF' || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    public static string Normalize(string? value) => value is null ? string.Empty : Normalize(value.AsSpan());

    /// <summary>Normalises each line on its own, drops blank lines and joins them with '\n' (code, lists).</summary>
    public static string NormalizeLines(string value)
    {
        var lines = new List<string>();
        foreach (var (_, line) in Lines(value))
        {
            var indent = line.Length - line.TrimStart().Length;
            var normalized = Normalize(line);
            if (normalized.Length > 0)
            {
                lines.Add(indent > 0 ? string.Concat(new string(' ', Math.Min(indent, 16)), normalized) : normalized);
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Splits on \r\n, \n or \r; yields 1-based line numbers.</summary>
    public static IEnumerable<(int Number, string Line)> Lines(string value)
    {
        var number = 1;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('\n' or '\r'))
            {
                continue;
            }

            yield return (number++, value[start..i]);
            if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
            {
                i++;
            }

            start = i + 1;
        }

        if (start < value.Length)
        {
            yield return (number, value[start..]);
        }
    }

    /// <summary>
    /// Appends a wrapped line of text to what came before: with a space, or directly after a hyphen that
    /// ends the previous line within a word ("receptor-" + "neprilysin", "555-" + "0199"), keeping the hyphen.
    /// </summary>
    public static void AppendWrapped(StringBuilder target, string line)
    {
        var continuesWord = target.Length > 1 && target[^1] == '-' && char.IsLetterOrDigit(target[^2])
            && line.Length > 0 && char.IsLetterOrDigit(line[0]);
        if (target.Length > 0 && !continuesWord)
        {
            target.Append(' ');
        }

        target.Append(line);
    }

    /// <summary>A list item line as <see cref="ParagraphBlock"/> documents it: "- item", indented two spaces per level.</summary>
    public static string ListItem(string text, int depth = 0) =>
        string.Concat(new string(' ', 2 * Math.Min(depth, 8)), "- ", text);
}

/// <summary>The headings above the current position; a heading pops every heading of the same or lower rank.</summary>
internal sealed class HeadingStack
{
    private readonly List<(double Rank, string Text)> entries = [];
    private string[]? snapshot = [];

    /// <summary>The current heading path (an immutable snapshot, safe to keep in a block).</summary>
    public IReadOnlyList<string> Path => snapshot ??= entries.ConvertAll(e => e.Text).ToArray();

    /// <summary>Pushes a heading of level 1 (most important) to 9.</summary>
    public void PushLevel(int level, string text) => Push(-level, text);

    /// <summary>Pushes a heading with a rank: higher ranks are more important (e.g. a font size).</summary>
    public void Push(double rank, string text)
    {
        text = Text.Normalize(text);
        if (text.Length == 0)
        {
            return;
        }

        while (entries.Count > 0 && entries[^1].Rank <= rank)
        {
            entries.RemoveAt(entries.Count - 1);
        }

        entries.Add((rank, text));
        snapshot = null;
    }
}

/// <summary>Collects blocks, normalising their text and dropping empty ones.</summary>
internal sealed class BlockList
{
    private readonly List<Block> blocks = [];

    public IReadOnlyList<Block> Blocks => blocks;

    public int Count => blocks.Count;

    public void AddParagraph(string text, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        text = Text.Normalize(text);
        if (text.Length > 0)
        {
            blocks.Add(new ParagraphBlock(text, headingPath, source));
        }
    }

    /// <summary>Adds text whose line breaks matter (lists, code): each line normalised, blank lines dropped.</summary>
    public void AddLines(string text, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        text = Text.NormalizeLines(text);
        if (text.Length > 0)
        {
            blocks.Add(new ParagraphBlock(text, headingPath, source));
        }
    }

    public void AddList(IEnumerable<string> itemLines, IReadOnlyList<string> headingPath, SourceSpan source) =>
        AddLines(string.Join('\n', itemLines), headingPath, source);

    public void AddQuestion(string question, string answer, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        question = Text.Normalize(question);
        answer = answer.Contains('\n') ? Text.NormalizeLines(answer) : Text.Normalize(answer);
        if (question.Length > 0 && answer.Length > 0)
        {
            blocks.Add(new QuestionAnswerBlock(question, answer, headingPath, source));
        }
        else if (question.Length + answer.Length > 0)
        {
            AddParagraph(question.Length > 0 ? question : answer, headingPath, source);
        }
    }

    /// <summary>Adds a table: cells normalised, empty rows dropped, short rows padded to the header's width.</summary>
    public void AddTable(
        IReadOnlyList<string> header,
        IEnumerable<IReadOnlyList<string>> rows,
        IReadOnlyList<string> headingPath,
        SourceSpan source,
        string? caption = null)
    {
        var normalizedHeader = header.Select(Text.Normalize).ToArray();
        var normalizedRows = new List<IReadOnlyList<string>>();
        foreach (var row in rows)
        {
            var cells = row.Select(Text.Normalize).ToList();
            if (cells.All(c => c.Length == 0))
            {
                continue;
            }

            while (cells.Count < normalizedHeader.Length)
            {
                cells.Add(string.Empty);
            }

            normalizedRows.Add(cells);
        }

        if (normalizedRows.Count == 0 && normalizedHeader.All(c => c.Length == 0))
        {
            return;
        }

        caption = Text.Normalize(caption);
        blocks.Add(new TableBlock(normalizedHeader, normalizedRows, headingPath, source, caption.Length > 0 ? caption : null));
    }
}

/// <summary>
/// The content as a seekable stream starting at offset 0: the caller's stream when it already is one,
/// else a temporary file (deleted on dispose), so large uploads never sit in memory.
/// </summary>
internal sealed class SeekableContent : IAsyncDisposable
{
    private readonly bool owned;

    private SeekableContent(Stream stream, bool owned)
    {
        Stream = stream;
        this.owned = owned;
    }

    public Stream Stream { get; }

    /// <summary>Opens the content; a 0-byte stream is an <c>empty_file</c> error.</summary>
    public static async Task<SeekableContent> OpenAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Position == 0)
        {
            return content.Length == 0 ? throw Text.EmptyFile() : new SeekableContent(content, owned: false);
        }

        var path = Path.Combine(Path.GetTempPath(), "kp-" + Path.GetRandomFileName());
        var temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            await content.CopyToAsync(temp, cancellationToken);
            if (temp.Length == 0)
            {
                throw Text.EmptyFile();
            }

            temp.Position = 0;
            return new SeekableContent(temp, owned: true);
        }
        catch
        {
            await temp.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => owned ? Stream.DisposeAsync() : ValueTask.CompletedTask;
}
