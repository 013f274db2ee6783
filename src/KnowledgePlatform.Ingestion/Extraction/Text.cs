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
