using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// The unit written right after a number ("44 mmol/mol", "8 hours", "2,000 ng/L"), so that a reading is compared only with
/// bounds written in the same unit: an HbA1c of 44 mmol/mol is not "11.1 mmol/L or higher", though both write mmol. A
/// unit of time, mass, volume or length is compared with another of its kind through <see cref="Scale"/> (5 weeks is not
/// "within 30 days"). A currency is a unit too, written before the number ("$35") or after it ("35 dollars"): an order of
/// $20 is compared with "over $35", not with "over 35 days". A word that is not a known unit ("3 symptoms") is no unit: the
/// number is compared as before.
/// </summary>
public sealed partial record MeasureUnit(string Name, string? Kind, double Scale)
{
    /// <summary>
    /// The unit written at <paramref name="at"/>, after at most four spaces (a pair's second number, "140/90 mmHg", is
    /// blanked to spaces before its unit is read), or null when none is.
    /// </summary>
    public static MeasureUnit? At(string text, int at)
    {
        var match = Written().Match(text, at);
        if (!match.Success) return null;
        var name = match.Groups["u"].Value.ToLowerInvariant().Replace("°", "").Replace(" ", "");
        if (name.Contains('/')) return new(name, null, 1);
        return Known.TryGetValue(name, out var unit) ? unit : null;
    }

    /// <summary>The currency written right before <paramref name="at"/> ("$20", "€ 5"), or null when none is.</summary>
    public static MeasureUnit? Before(string text, int at)
    {
        var sign = at >= 1 && text[at - 1] == ' ' ? at - 2 : at - 1;
        return sign >= 0 && text[sign] is '$' or '€' or '£' ? Known[text[sign].ToString()] : null;
    }

    /// <summary>
    /// Whether a reading in this unit can be compared with a bound in <paramref name="other"/>: the same unit (a slash unit
    /// also when one goes on where the other stops: mL/min and mL/min/1.73 m²), or two of one kind.
    /// </summary>
    public bool Compares(MeasureUnit other) =>
        Name == other.Name || (Kind is not null && Kind == other.Kind)
        || (Name.Contains('/') && other.Name.Contains('/') && (Name.StartsWith(other.Name + "/", StringComparison.Ordinal) || other.Name.StartsWith(Name + "/", StringComparison.Ordinal)));

    /// <summary><paramref name="number"/> of this unit in <paramref name="other"/>'s (5 weeks is 35 days).</summary>
    public double In(MeasureUnit other, double number) => Kind is not null && Kind == other.Kind ? number * Scale / other.Scale : number;

    private static readonly Dictionary<string, MeasureUnit> Known = Build(
        ("time", 1.0 / 1440, ["minute", "minutes", "min", "mins"]),
        ("time", 1.0 / 24, ["hour", "hours", "hr", "hrs", "h"]),
        ("time", 1, ["day", "days"]),
        ("time", 7, ["week", "weeks"]),
        ("time", 30.4, ["month", "months"]),
        ("time", 365.25, ["year", "years"]),
        ("mass", 0.001, ["microgram", "micrograms", "mcg", "µg"]),
        ("mass", 1, ["milligram", "milligrams", "mg"]),
        ("mass", 1000, ["gram", "grams", "g"]),
        ("mass", 1_000_000, ["kilogram", "kilograms", "kg"]),
        ("volume", 1, ["ml", "millilitre", "millilitres", "milliliter", "milliliters"]),
        ("volume", 1000, ["l", "litre", "litres", "liter", "liters"]),
        ("length", 1, ["mm", "millimetre", "millimetres"]),
        ("length", 10, ["cm", "centimetre", "centimetres"]),
        ("length", 1000, ["m", "metre", "metres", "meter", "meters"]),
        (null, 1, ["$", "dollar", "dollars", "usd"]),
        (null, 1, ["€", "euro", "euros", "eur"]),
        (null, 1, ["£", "pound", "pounds", "gbp"]),
        (null, 1, ["%", "percent"]),
        (null, 1, ["c"]),
        (null, 1, ["f"]),
        (null, 1, ["mmhg"]),
        (null, 1, ["kpa"]),
        (null, 1, ["bpm"]),
        (null, 1, ["mah"]),
        (null, 1, ["inch", "inches"]));

    private static Dictionary<string, MeasureUnit> Build(params (string? Kind, double Scale, string[] Names)[] units) =>
        units.SelectMany(u => u.Names.Select(name => (name, unit: new MeasureUnit(u.Names[0], u.Kind, u.Scale))))
            .ToDictionary(p => p.name, p => p.unit, StringComparer.Ordinal);

    /// <summary>A unit right after a number: a percentage, degrees, a slash unit (mmol/L, mL/min/1.73) or a word.</summary>
    [GeneratedRegex(@"\G {0,4}(?<u>%|°\s?[CFcf]\b|[\p{L}µ]+(?:/(?:\d+(?:\.\d+)?|[\p{L}²³]+))+|[\p{L}µ]+\b)")]
    private static partial Regex Written();
}
