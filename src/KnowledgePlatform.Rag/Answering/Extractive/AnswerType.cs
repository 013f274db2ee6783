using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// What kind of words answer a question: "how much does it cost" wants a price, "how long" a duration, "how often" a
/// frequency ("once a month") or a duration, "what dose" and "what should my blood sugar be" an amount with its unit,
/// "when" a time or date, "what range" two numbers. A passage that holds words of that kind
/// answers the question more likely than one that only repeats its words (the example date next to the warranty
/// period, the dustbin's capacity next to the battery's).
/// </summary>
public static partial class AnswerType
{
    [GeneratedRegex(@"[$€£]\s?\d|\d\s?(dollars|euros|pounds|usd|eur|gbp)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Price();

    [GeneratedRegex(@"\b\d+([.,]\d+)?(\s|-)?(to|–|-)?\s?\d*\s?(seconds?|minutes?|hours?|days?|weeks?|months?|years?|business days?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();

    [GeneratedRegex(@"\b\d+([.,]\d+)?\s?(mg|g|mcg|µg|ml|mL|l|units?|mmol/l|mmol/mol|micromol/l|µmol/l|ng/l|mmHg|mAh|kg|mm|cm|m|in|inch|inches|kPa|Pa|W|V|dB|GB|TB|%)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Amount();

    /// <summary>How often: "once a month", "twice daily", "every 3 months", "weekly".</summary>
    [GeneratedRegex(@"\b(once|twice|\d+\s?times?)\s(a|an|per|every|each)\s(hour|day|week|month|year)\b|\bevery\s(\d+\s)?(other\s)?(hour|day|night|morning|evening|week|month|year)s?\b|\b(hourly|daily|nightly|weekly|fortnightly|monthly|yearly|annually)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Frequency();

    [GeneratedRegex(@"\b\d{1,2}(:\d{2})?\s?(a\.m\.|p\.m\.|am|pm)|\b\d{1,2}\s(january|february|march|april|may|june|july|august|september|october|november|december)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Time();

    [GeneratedRegex(@"\d+([.,]\d+)?\s?(–|-|to)\s?\d+")]
    private static partial Regex Range();

    /// <summary>The kind of answer the question (or one part of it) asks for, as a test on a passage; null when it asks for no particular kind.</summary>
    public static Func<string, bool>? Of(string question)
    {
        var q = question.ToLowerInvariant();
        if (q.Contains("how much", StringComparison.Ordinal) && (q.Contains("cost", StringComparison.Ordinal) || q.Contains("price", StringComparison.Ordinal)
            || q.Contains("charge", StringComparison.Ordinal) || q.Contains("fee", StringComparison.Ordinal) || q.Contains("pay", StringComparison.Ordinal))) return Price().IsMatch;
        if (q.Contains("cost", StringComparison.Ordinal) || q.Contains("price", StringComparison.Ordinal)) return Price().IsMatch;
        if (q.Contains("how often", StringComparison.Ordinal)) return text => Frequency().IsMatch(text) || Duration().IsMatch(text);
        if (q.Contains("how long", StringComparison.Ordinal) || q.Contains("how many days", StringComparison.Ordinal) || q.Contains("how quickly", StringComparison.Ordinal)
            || q.Contains("how soon", StringComparison.Ordinal)) return Duration().IsMatch;
        if (q.Contains("range", StringComparison.Ordinal)) return Range().IsMatch;
        // "What should my blood sugar be…?" asks for a level.
        if (q.Contains("dose", StringComparison.Ordinal) || q.Contains("capacity", StringComparison.Ordinal) || q.Contains("how much", StringComparison.Ordinal)
            || (q.StartsWith("what should", StringComparison.Ordinal) && q.Contains(" be", StringComparison.Ordinal))
            || q.Contains("size", StringComparison.Ordinal) || q.Contains("how heavy", StringComparison.Ordinal) || q.Contains("weigh", StringComparison.Ordinal)) return Amount().IsMatch;
        if (q.StartsWith("when", StringComparison.Ordinal) || q.Contains(" time", StringComparison.Ordinal) || q.Contains("cut-off", StringComparison.Ordinal)
            || q.Contains("deadline", StringComparison.Ordinal)) return Time().IsMatch;
        return null;
    }
}
