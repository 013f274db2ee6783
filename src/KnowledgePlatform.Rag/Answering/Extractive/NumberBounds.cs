using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// The bounds and ranges a text writes, with their units: "below 30", "over $35", "65 or older", "48 mmol/mol (6.5%) or
/// higher", "between 140/90 and 180/120", "6 to 12 years"; and for a bound of one side followed by "otherwise" ("free on
/// orders over $35; otherwise it costs $5.99"), the values it leaves out, which the sentence also speaks to.
/// <see cref="NumberConditions"/> says which of them include a question's values.
/// </summary>
internal static partial class NumberBounds
{
    /// <summary>A bound or range written from <paramref name="Start"/> to <paramref name="End"/>: the values from <paramref name="Low"/> to <paramref name="High"/>.</summary>
    /// <param name="Unit">The unit written with its number ("below 4.0 mmol/L", "over $35"), if any.</param>
    internal sealed record Bound(int Start, int End, double Low, double High, bool LowOpen, bool HighOpen, MeasureUnit? Unit)
    {
        public bool Includes(double x) => (LowOpen ? x > Low : x >= Low) && (HighOpen ? x < High : x <= High);

        /// <summary>The values a bound of one side leaves out: "over 35" leaves 35 and below.</summary>
        public Bound Complement() => double.IsNegativeInfinity(Low)
            ? this with { Low = High, High = double.PositiveInfinity, LowOpen = !HighOpen, HighOpen = true }
            : this with { High = Low, Low = double.NegativeInfinity, HighOpen = !LowOpen, LowOpen = true };
    }

    /// <summary>The bounds and ranges <paramref name="text"/> (in lower case) writes.</summary>
    public static IEnumerable<Bound> Of(string text)
    {
        // A pair (140/90) is compared by its first number: its second is blanked, every position kept.
        text = PairSecond().Replace(text, m => new string(' ', m.Length));
        foreach (var c in Bounds(text))
        {
            yield return c;
            // "free on orders over $35; otherwise it costs $5.99" (or "… over $35. Otherwise, …"): the sentence also speaks to
            // the orders that are not. Not an "otherwise" further into the next sentence, which is about something else.
            if (Otherwise().Match(text, c.End) is { Success: true } otherwise && otherwise.Index - c.End <= OtherwiseWindow
                && ToOtherwise().IsMatch(text[c.End..otherwise.Index])) yield return c.Complement();
        }
        foreach (Match m in Between().Matches(text))
            if (Number(m, "lo") < Number(m, "hi"))
                yield return new(m.Index, m.Index + m.Length, Number(m, "lo"), Number(m, "hi"), false, false, UnitAfter(text, m, "hi"));
    }

    /// <summary>How far after a bound its "otherwise" may stand.</summary>
    private const int OtherwiseWindow = 40;

    /// <summary>The bounds of one side: "below 30", "over $35", "65 or older", "48 mmol/mol (6.5%) or higher".</summary>
    private static IEnumerable<Bound> Bounds(string text)
    {
        foreach (Match m in Below().Matches(text))
            yield return new(m.Index, m.Index + m.Length, double.NegativeInfinity, Number(m, "n"), true, m.Groups["strict"].Success, UnitAfter(text, m, "n"));
        foreach (Match m in Above().Matches(text))
            yield return new(m.Index, m.Index + m.Length, Number(m, "n"), double.PositiveInfinity, m.Groups["strict"].Success, true, UnitAfter(text, m, "n"));
        // "48 mmol/mol (6.5%) or higher" bounds a reading in either unit.
        foreach (Match m in OrMore().Matches(text))
            foreach (var n in (string[])["n", "alt"])
                if (m.Groups[n].Success) yield return new(m.Index, m.Index + m.Length, Number(m, n), double.PositiveInfinity, false, true, UnitAfter(text, m, n));
        foreach (Match m in OrLess().Matches(text))
            foreach (var n in (string[])["n", "alt"])
                if (m.Groups[n].Success) yield return new(m.Index, m.Index + m.Length, double.NegativeInfinity, Number(m, n), true, false, UnitAfter(text, m, n));
    }

    /// <summary>The unit written after the number, or the currency written before it ("over $35").</summary>
    private static MeasureUnit? UnitAfter(string text, Match m, string group) =>
        MeasureUnit.At(text, m.Groups[group].Index + m.Groups[group].Length) ?? MeasureUnit.Before(text, m.Groups[group].Index);

    /// <summary>A number in a condition: thousands may be set apart by commas ("above 2,000 ng/L").</summary>
    private const string Num = @"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";

    /// <summary>A currency sign before a number in a condition ("over $35"): its unit, read by <see cref="MeasureUnit.Before"/>.</summary>
    private const string Currency = @"(?:[$€£]\s?)?";

    [GeneratedRegex(@"\botherwise\b")]
    private static partial Regex Otherwise();

    /// <summary>What may stand between a bound and its "otherwise": the rest of its sentence, and that sentence's end.</summary>
    [GeneratedRegex(@"^(?:[^.!?\n]|[.](?=\d))*(?:[.!?;:]\s*)?$")]
    private static partial Regex ToOtherwise();

    [GeneratedRegex(@"(?:\b(?:(?<strict>below|under|less than|lower than|fewer than)|up to|at most|no more than|within)\b|(?<strict><)|≤|<=)\s*" + Currency + "(?<n>" + Num + ")")]
    private static partial Regex Below();

    [GeneratedRegex(@"(?:\b(?:(?<strict>above|over|more than|greater than|higher than)|at least)\b|(?<strict>>)|≥|>=)\s*" + Currency + "(?<n>" + Num + ")")]
    private static partial Regex Above();

    [GeneratedRegex(@"\b(?<n>" + Num + @")(?:\s*[\p{L}/%²]+){0,2}(?:\s*\((?:(?<alt>" + Num + @")[^()]{0,25}|[^()]{1,30})\))?\s+(?:or|and)\s+(?:more|over|above|older|higher|greater)\b")]
    private static partial Regex OrMore();

    [GeneratedRegex(@"\b(?<n>" + Num + @")(?:\s*[\p{L}/%²]+){0,2}(?:\s*\((?:(?<alt>" + Num + @")[^()]{0,25}|[^()]{1,30})\))?\s+(?:or|and)\s+(?:less|under|below|younger|lower|fewer)\b")]
    private static partial Regex OrLess();

    [GeneratedRegex(@"(?:\bbetween\s+" + Currency + "(?<lo>" + Num + @")\s+and|" + Currency + @"\b(?<lo>" + Num + @")\s*(?:to|–|—|-))\s*" + Currency + @"(?<hi>" + Num + @")\b")]
    private static partial Regex Between();

    private static double Number(Match m, string group) => NumberConditions.Parse(m.Groups[group].Value);

    [GeneratedRegex(@"(?<=\d)/\d+(?:\.\d+)?")]
    private static partial Regex PairSecond();
}
