using System.Text.RegularExpressions;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>A card's one-sentence summary: at most 140 characters (the specification's limit), cut at a word with an ellipsis.</summary>
public static partial class CardSummary
{
    public const int MaxLength = 140;

    /// <summary>
    /// "{subject}: {what the answer says about the concern}", without citation markers or markdown: from an answer that
    /// quotes a table row ("drug: …; adult dose: …; renal adjustment: …") the column the concern is about, else the
    /// answer's first sentence.
    /// </summary>
    public static string Of(string subject, string answer, CardConcern concern = CardConcern.Condition)
    {
        var clean = Markers().Replace(answer, "").Replace("**", "", StringComparison.Ordinal).Replace('\n', ' ').Trim();
        clean = Spaces().Replace(clean, " ");
        var said = Column(clean, concern) ?? FirstSentence(clean);
        return Truncate(string.IsNullOrEmpty(said) ? subject : $"{subject}: {said}");
    }

    private static string FirstSentence(string text)
    {
        var end = FirstSentenceEnd().Match(text);
        return end.Success ? text[..(end.Index + 1)] : text;
    }

    /// <summary>The value of the row's column the concern is about, when the answer is a "label: value; label: value" row.</summary>
    private static string? Column(string text, CardConcern concern)
    {
        var wanted = concern switch { CardConcern.Dose => "dose", CardConcern.Renal => "renal", _ => null };
        if (wanted is null) return null;
        var labels = Label().Matches(text).ToList();
        for (var i = 0; i < labels.Count; i++)
        {
            if (!labels[i].Groups["label"].Value.Contains(wanted, StringComparison.OrdinalIgnoreCase)) continue;
            var start = labels[i].Index + labels[i].Length;
            var end = i + 1 < labels.Count ? labels[i + 1].Index : text.Length;
            var value = text[start..end].Trim().TrimEnd(';', '.').Trim();
            if (value.Length > 0) return Capitalised(value);
        }
        return null;
    }

    /// <summary>The value with a capital first letter, unless its first word is written with one inside it (eGFR, mRNA, pH).</summary>
    private static string Capitalised(string value) =>
        value.TakeWhile(c => !char.IsWhiteSpace(c)).Any(char.IsUpper) ? value : char.ToUpperInvariant(value[0]) + value[1..];

    public static string Truncate(string text)
    {
        text = text.Trim();
        if (text.Length <= MaxLength) return text;
        var cut = text[..(MaxLength - 1)];
        var space = cut.LastIndexOf(' ');
        if (space > MaxLength / 2) cut = cut[..space];
        return cut.TrimEnd(' ', ',', ';', ':', '.', '-') + "…";
    }

    [GeneratedRegex(@"(?:^|;\s)(?<label>[a-z][a-z ]{1,30}):\s")]
    private static partial Regex Label();

    [GeneratedRegex(@"\s*\[\d+\]")]
    private static partial Regex Markers();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[.!?](?=\s+[A-Z(])")]
    private static partial Regex FirstSentenceEnd();
}
