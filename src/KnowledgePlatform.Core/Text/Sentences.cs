namespace KnowledgePlatform.Core.Text;

/// <summary>Splits running text into sentences, keeping list items and lines as their own units.</summary>
public static class Sentences
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "no", "fig", "approx", "max", "min", "mg", "st", "a.m", "p.m",
    };

    public static IEnumerable<string> Split(string text)
    {
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0) continue;
            var start = 0;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c is not ('.' or '!' or '?' or '。' or '！' or '？')) continue;
                var atEnd = i == line.Length - 1;
                var cjk = c is '。' or '！' or '？';
                if (!atEnd && !cjk && !(char.IsWhiteSpace(line[i + 1]) && i + 2 < line.Length && StartsSentence(line[i + 2]))) continue;
                if (c == '.' && IsAbbreviationOrNumber(line, start, i)) continue;
                yield return line[start..(i + 1)].Trim();
                start = i + 1;
            }
            if (start < line.Length && line[start..].Trim() is { Length: > 0 } rest) yield return rest;
        }
    }

    private static bool StartsSentence(char c) => char.IsUpper(c) || char.IsDigit(c) || c is '"' or '(' or '\'' or '[';

    private static bool IsAbbreviationOrNumber(string line, int start, int dot)
    {
        var wordStart = dot;
        while (wordStart > start && !char.IsWhiteSpace(line[wordStart - 1])) wordStart--;
        var word = line[wordStart..dot];
        if (word.Length == 1 && char.IsUpper(word[0])) return true; // initials: "J. Smith" (but not units: "4 g.")
        if (wordStart == 0 && word.Length <= 3 && word.All(char.IsAsciiDigit)) return true; // a numbered line: "4. Run a channel scan."
        return Abbreviations.Contains(word.TrimStart('(')) || (dot + 1 < line.Length && char.IsDigit(line[dot + 1]));
    }
}
