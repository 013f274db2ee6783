using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A number in a question is often a value, not a name: "the metformin dose at eGFR 25", "a child aged 8", "returned after
/// 20 days". A passage answers for such a value when it states a threshold or a range that includes it ("stop if eGFR is
/// below 30", "children 6 to 12 years", "within 30 days"), though it never writes the number itself; a passage that does
/// write it ("eGFR falls but stays above 25") may be about something else. A threshold counts only when it is about the
/// same measure: the word before the question's number (eGFR) is near it, or the word after it (days) follows it; and
/// when both write a unit, in that unit or one of its kind (<see cref="MeasureUnit"/>).
/// </summary>
public static partial class NumberConditions
{
    /// <summary>How far before a threshold its measure may be written ("eGFR is below 30", "eGFR falls but stays above").</summary>
    private const int MeasureWindow = 30;

    /// <summary>A number in a question (its terms: "3.5" is the terms 3 and 5), with the words around it that say what it measures.</summary>
    public sealed record Value(IReadOnlyList<string> Terms, double Number, IReadOnlyList<string> Measures)
    {
        /// <summary>The asker's own value (a reading, an age), not a number that names what is asked about (<see cref="PatientValue"/>).</summary>
        public bool Given { get; init; }

        /// <summary>The words the asker wrote for this value: its numbers, and for an age its "year old".</summary>
        public IEnumerable<string> Written => IsAge ? [.. Terms, "year", "years", "old"] : Terms;

        /// <summary>An age written as years old ("a 60 year old", "an 83-year-old").</summary>
        public bool IsAge { get; init; }

        /// <summary>The unit written right after the number ("44 mmol/mol", "8 hours"), when it is a known one.</summary>
        public MeasureUnit? Unit { get; init; }
    }

    /// <summary>
    /// The question's numbers that have a measure beside them. A code (E08, S2) is a name, and so is a number after a
    /// capitalised word (the Vision 55, Windows 11); a measure written in capitals (eGFR, BMI, HbA1c) is not a name.
    /// A pair written as one number (a blood pressure of 150/95) is one value, held by both its numbers and compared by its
    /// first; a measure of two words is also known by their initials ("blood pressure" is BP).
    /// </summary>
    public static IReadOnlyList<Value> Of(string question)
    {
        var matches = Words().Matches(question).ToList();
        var written = matches.Select(m => m.Value).ToList();
        var words = written.Select(w => w.ToLowerInvariant()).ToList();
        var values = new List<Value>();
        for (var i = 0; i < words.Count; i++)
        {
            if (!IsNumber(words[i]) || (i > 0 && IsCapitalised(written[i - 1])) || SecondOfPair(question, matches, i)) continue;
            var pair = i + 1 < words.Count && SecondOfPair(question, matches, i + 1);
            var next = pair ? i + 2 : i + 1;
            var before = Before(words, i, out var at);
            var age = IsAge(words, i) || IsOwnAge(words, i);
            var measures = new[] { before, Initials(words, at), next < words.Count ? words[next] : null, age ? "age" : null }
                .Where(w => w is not null && !IsNumber(w)).SelectMany(w => Terms.Stems(w!)).Distinct().ToList();
            var terms = Terms.Of(words[i]).Concat(pair ? Terms.Of(words[i + 1]) : []).ToList();
            var unit = MeasureUnit.At(question, matches[next - 1].Index + matches[next - 1].Length) ?? MeasureUnit.Before(question, matches[i].Index);
            if (measures.Count > 0) values.Add(new(terms, Parse(words[i]), measures) { Given = PatientValue(question, matches, i), IsAge = age, Unit = unit });
        }
        return values;
    }

    /// <summary>The number at <paramref name="i"/> is written onto the one before it with a slash: the 95 of 150/95.</summary>
    private static bool SecondOfPair(string text, List<Match> matches, int i) =>
        i > 0 && IsNumber(matches[i].Value) && IsNumber(matches[i - 1].Value) && matches[i - 1].Index + matches[i - 1].Length == matches[i].Index - 1
        && text[matches[i].Index - 1] == '/';

    /// <summary>The initials of a measure of two words ending at <paramref name="at"/>: "blood pressure" is "bp".</summary>
    private static string? Initials(List<string> words, int at) =>
        at > 0 && IsMeasure(words[at - 1]) && IsMeasure(words[at]) && char.IsLetter(words[at - 1][0]) && char.IsLetter(words[at][0])
            ? $"{words[at - 1][0]}{words[at][0]}"
            : null;

    /// <summary>
    /// The question with the asker's values taken out, for finding what it is about: "What is the lisinopril dose at eGFR
    /// 25?" becomes "What is the lisinopril dose?", "What should I do if my blood sugar is 3 mmol/L?" becomes "What should
    /// I do if my blood sugar?". A value is a number whose measure is written right before it, with the measure, the unit
    /// after it and the small words that lead them in; or linked to it ("is", "of"), when only the link goes with it.
    /// Numbers that say what the question is about stay (<see cref="PatientValue"/>), and so does a number with only a
    /// unit ("Is the Vision 55 available in 65 inch?"). The question itself when it has no value.
    /// </summary>
    public static string WithoutValues(string question)
    {
        var matches = Words().Matches(question).ToList();
        var words = matches.Select(m => m.Value.ToLowerInvariant()).ToList();
        var cut = new bool[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            // The measure stands right before the number (eGFR 25, aged 70) and goes with it, or is linked to it (blood sugar
            // is 3, potassium of 5.8) and stays. A number with only a unit after it ("in 65 inch") may be what is asked about.
            var adjacent = i > 0 && IsMeasure(words[i - 1]);
            if (!PatientValue(question, matches, i) || !(adjacent || (i > 1 && Links.Contains(words[i - 1]) && IsMeasure(words[i - 2])))) continue;
            var first = i - 1;
            cut[i] = cut[first] = true;
            if (i + 1 < words.Count && !IsNumber(words[i + 1]) && Terms.Of(words[i + 1]).Any()) cut[i + 1] = true;
            if (IsAge(words, i)) cut[i + 2] = true;
            if (adjacent) while (first > 0 && (NotMeasures.Contains(words[first - 1]) || !Terms.Of(words[first - 1]).Any())) cut[--first] = true;
        }
        if (!cut.Contains(true)) return question;
        var kept = new StringBuilder();
        var from = 0;
        for (var i = 0; i < matches.Count; i++)
        {
            if (!cut[i]) continue;
            // With what is written onto the word: "$30", "mmol/L".
            var (start, end) = (Math.Max(from, matches[i].Index), matches[i].Index + matches[i].Length);
            while (start > from && !char.IsWhiteSpace(question[start - 1])) start--;
            while (end < question.Length && !char.IsWhiteSpace(question[end]) && !"?!.,;:)".Contains(question[end])) end++;
            kept.Append(question[from..start]);
            from = Math.Max(from, end);
        }
        kept.Append(question[from..]);
        return Spaces().Replace(kept.ToString(), " ").Replace(" ?", "?").Replace(" ,", ",").Trim();
    }

    /// <summary>
    /// A number that is the asker's value, to be taken out of the search (an age: "an 83-year-old"): not a name's (after a
    /// capitalised word: the Vision 55, Windows 11), not a label's ("type 2 diabetes", "stage 3", "reproduction number 95% credible interval"),
    /// not a count of what is asked for ("the 3 symptoms"), not one joined to a word or another number by a hyphen
    /// (COVID-19, 2019-nCoV, HAdV-55, 18-65), and not a year (1918, "covid 2019"): those say what the question is about.
    /// </summary>
    private static bool PatientValue(string text, List<Match> matches, int i)
    {
        var (number, start, end) = (matches[i].Value, matches[i].Index, matches[i].Index + matches[i].Length);
        if (!IsNumber(number) || (i > 0 && (IsCapitalised(matches[i - 1].Value) || Labels.Contains(matches[i - 1].Value)))) return false;
        // "an 83-year-old": an age, hyphens and all.
        if (i + 2 < matches.Count && matches[i + 1].Value.ToLowerInvariant() is "year" or "years" && matches[i + 2].Value.Equals("old", StringComparison.OrdinalIgnoreCase)) return true;
        if ((start > 0 && text[start - 1] is '-' or '–') || (end + 1 < text.Length && text[end] is '-' or '–' && char.IsLetterOrDigit(text[end + 1]))) return false;
        return !(number.Length == 4 && int.TryParse(number, out var year) && year is >= 1800 and <= 2100);
    }

    /// <summary>"a 60 year old": a number of years old is an age, which a passage writes as "age under 80".</summary>
    private static bool IsAge(List<string> words, int i) =>
        i + 2 < words.Count && words[i + 1] is "year" or "years" && words[i + 2] == "old";

    /// <summary>"I'm 68", "I am 68 and…": the asker's age, when no unit follows the number.</summary>
    private static bool IsOwnAge(List<string> words, int i) =>
        i >= 2 && words[i - 2] == "i" && words[i - 1] is "m" or "am" && (i + 1 == words.Count || !Terms.Of(words[i + 1]).Any());

    /// <summary>Vision, Windows: a capital first and none after it (eGFR, BMI and HbA1c have capitals after the first letter).</summary>
    private static bool IsCapitalised(string word) => char.IsUpper(word[0]) && !word.Skip(1).Any(char.IsUpper);

    /// <summary>A number as written: a decimal (3.5), or thousands set apart by commas (2,500).</summary>
    private static bool IsNumber(string word) => char.IsAsciiDigit(word[0]) && word.All(c => char.IsAsciiDigit(c) || c is '.' or ',');

    internal static double Parse(string number) => double.Parse(number, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>The values of <paramref name="values"/> that a threshold or range of <paramref name="text"/> includes, about the same measure.</summary>
    public static IEnumerable<string> Covered(string text, IReadOnlyList<Value> values)
    {
        if (values.Count == 0) return [];
        var lower = text.ToLowerInvariant();
        var conditions = NumberBounds.Of(lower).ToList();
        return values.Where(v => conditions.Any(c => Holds(lower, c, v))).SelectMany(v => v.Terms);
    }

    /// <summary>
    /// The condition includes the value and is about its measure. When both write a unit, the units must compare (a reading
    /// in mmol/mol is not bounded by mmol/L), and the value is read in the condition's unit; two units of time are then
    /// the same measure (a return "after 5 weeks" is not "within 30 days").
    /// </summary>
    private static bool Holds(string text, NumberBounds.Bound c, Value v)
    {
        if (v.Unit is not { } unit || c.Unit is not { } bound) return c.Includes(v.Number) && AboutMeasure(text, c, v.Measures);
        if (!unit.Compares(bound) || !c.Includes(unit.In(bound, v.Number))) return false;
        return (unit.Kind == "time" && bound.Kind == "time") || AboutMeasure(text, c, v.Measures);
    }

    /// <summary>
    /// The ages of <paramref name="values"/> that a range or bound of <paramref name="text"/> is about, whether it includes
    /// them or not: "for women aged 16 to 64" answers a woman of 68, by leaving her out.
    /// </summary>
    public static IEnumerable<string> AgesSpokenTo(string text, IReadOnlyList<Value> values)
    {
        if (!values.Any(v => v.IsAge)) return [];
        var lower = text.ToLowerInvariant();
        var conditions = NumberBounds.Of(lower).ToList();
        return values.Where(v => v.IsAge && conditions.Any(c => AboutMeasure(lower, c, v.Measures))).SelectMany(v => v.Terms);
    }

    /// <summary>
    /// The asker's values (<see cref="Value.Given"/>) that <paramref name="text"/> writes only about another measure: a
    /// row of hypertension stages writes "150/95" for home readings, which says nothing of a clinic reading of 150/95. A
    /// number joined to a word by a hyphen (COVID-19) is a name, neither about the measure nor about another.
    /// </summary>
    public static IEnumerable<string> WrittenAboutAnother(string text, IReadOnlyList<Value> values)
    {
        if (!values.Any(v => v.Given)) return [];
        var lower = text.ToLowerInvariant();
        var numbers = Words().Matches(lower).Where(m => IsNumber(m.Value) && !(m.Index > 0 && lower[m.Index - 1] is '-' or '–' && m.Index > 1 && char.IsLetter(lower[m.Index - 2])))
            .ToList();
        return values.Where(v => v.Given).Where(v =>
        {
            var written = numbers.Where(m => double.TryParse(m.Value, CultureInfo.InvariantCulture, out var n) && n == v.Number).ToList();
            return written.Count > 0 && !written.Any(m => AboutMeasure(lower, new NumberBounds.Bound(m.Index, m.Index + m.Length, v.Number, v.Number, false, false, null), v.Measures));
        }).SelectMany(v => v.Terms);
    }

    /// <summary>Words before a number that say how it compares or when, not what it measures ("after 20 days": days does).</summary>
    private static readonly HashSet<string> NotMeasures = new(StringComparer.Ordinal)
    {
        "after", "before", "since", "until", "within", "over", "under", "below", "above", "least", "most", "per", "every", "each",
        "about", "around", "approximately", "nearly", "almost", "only", "just", "past", "last", "next", "first",
    };

    /// <summary>Words after which a number names a kind or a place ("type 2", "stage 3", "step 4", "page 12"), or counts what is asked for ("the 3 symptoms").</summary>
    private static readonly HashSet<string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "type", "types", "stage", "stages", "grade", "class", "category", "version", "model", "phase", "step", "number",
        "no", "chapter", "section", "page", "table", "figure", "level", "option", "question", "part", "schedule", "tier",
    };

    /// <summary>Words that link a measure to its value: "blood sugar is 3", "a potassium of 5.8", "eGFR at 25".</summary>
    private static readonly HashSet<string> Links = new(StringComparer.Ordinal) { "is", "was", "of", "at" };

    private static bool IsMeasure(string word) => !NotMeasures.Contains(word) && !IsNumber(word) && Terms.Of(word).Any();

    /// <summary>The measure written before the number at <paramref name="i"/>, a word or two back.</summary>
    private static string? Before(List<string> words, int i) => Before(words, i, out _);

    private static string? Before(List<string> words, int i, out int at)
    {
        for (at = i - 1; at >= 0 && at >= i - 2; at--)
            if (IsMeasure(words[at])) return words[at];
        at = -1;
        return null;
    }

    /// <summary>The measure is written shortly before the condition or inside it, or is the unit right after it.</summary>
    private static bool AboutMeasure(string text, NumberBounds.Bound c, IReadOnlyList<string> measures)
    {
        var from = Math.Max(0, c.Start - MeasureWindow);
        var after = Words().Match(text, c.End);
        var near = Terms.Stems(text[from..c.End]).Concat(after.Success && after.Index - c.End <= 2 ? Terms.Stems(after.Value) : []).ToHashSet();
        return measures.Any(near.Contains);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\p{L}\p{N}])|\d+(?:\.\d+)?(?![\p{L}\p{N}])|[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
