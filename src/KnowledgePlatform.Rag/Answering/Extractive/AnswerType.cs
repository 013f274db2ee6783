using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// What kind of words answer a question: "how much does it cost" wants a price, "how long" a duration, "how often" a
/// frequency ("once a month") or a duration, "what dose", "how strong" and "what should my blood sugar be" an amount with its unit,
/// "when" and "what are your opening hours" a time or date, "what range" two numbers, "what capacity" a charge, volume,
/// storage or load (not a percentage), "how can I reach you" a phone number or an address. A passage that holds words of that kind
/// answers the question more likely than one that only repeats its words (the example date next to the warranty
/// period, the dustbin's capacity next to the battery's).
/// </summary>
public static partial class AnswerType
{
    [GeneratedRegex(@"[$€£]\s?\d|\d\s?(dollars|euros|pounds|usd|eur|gbp)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Price();

    /// <summary>A price of nothing: "free", "we do not charge", "at no extra cost".</summary>
    [GeneratedRegex(@"\b(free|no charge|not charge|no cost|no extra cost|no fee|without charge)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Free();

    [GeneratedRegex(@"\b\d+([.,]\d+)?(\s|-)?(to|–|-)?\s?\d*\s?(seconds?|minutes?|hours?|days?|weeks?|months?|years?|business days?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();

    [GeneratedRegex(@"\b\d+([.,]\d+)?\s?(mg|g|mcg|µg|ml|mL|l|units?|mmol/l|mmol/mol|micromol/l|µmol/l|ng/l|mmHg|mAh|kg|mm|cm|m|in|inch|inches|kPa|Pa|W|V|dB|GB|TB|%)(?!\w)", RegexOptions.IgnoreCase)]
    private static partial Regex Amount();

    /// <summary>How often: "once a month", "twice daily", "every 3 months", "weekly".</summary>
    [GeneratedRegex(@"\b(once|twice|\d+\s?times?)\s(a|an|per|every|each)\s(hour|day|week|month|year)\b|\bevery\s(\d+\s)?(other\s)?(hour|day|night|morning|evening|week|month|year)s?\b|\b(hourly|daily|nightly|weekly|fortnightly|monthly|yearly|annually)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Frequency();

    [GeneratedRegex(@"\b\d{1,2}(:\d{2})?\s?(a\.m\.|p\.m\.|am|pm)|\b\d{1,2}\s(january|february|march|april|may|june|july|august|september|october|november|december)\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Time();

    /// <summary>What something holds: a charge (5,200 mAh), a volume (400 mL, 0.3 L), storage (8 GB) or a load (8 kg); not a share of it ("80% of its capacity").</summary>
    [GeneratedRegex(@"\b\d+([.,]\d+)?\s?(mAh|Ah|Wh|kWh|mL|ml|L|l|litres?|liters?|GB|TB|MB|kg|lb|lbs|oz|cups?|gallons?)(?!\w)")]
    private static partial Regex Capacity();

    /// <summary>"How strong does the signal need to be?", "how far from the wall?": a degree, answered by an amount.</summary>
    [GeneratedRegex(@"\bhow (strong|far|high|big|large|heavy|fast|loud|bright|hot|cold|warm|wide|tall|deep|close|low)\b")]
    private static partial Regex HowMuchOf();

    [GeneratedRegex(@"\d+([.,]\d+)?\s?(–|-|to)\s?\d+")]
    private static partial Regex Range();

    /// <summary>
    /// "How do I contact customer care?", "how can I reach you?", "can I talk to a person?", "what is your phone number?":
    /// a way to reach someone, answered by a phone number or an address.
    /// </summary>
    [GeneratedRegex(@"\b(contact|reach|call|get in touch with|speak to|speak with|talk to)\s+(\w+\s+){0,2}(you|us|support|customer|care|service|team|agent|person|someone|human|somebody|company|helpdesk)\b|\b(phone|telephone|contact|support|helpline)\s+number\b|\byour\s+(phone|telephone|e-?mail|contact)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ContactQuestion();

    /// <summary>A phone number or an email address (also where a policy redacted it).</summary>
    [GeneratedRegex(@"\d{3}[\s.-]\d{3,4}\b|[\w.+-]+@[\w-]+\.\w|\[(PHONE|EMAIL)\]")]
    private static partial Regex Contact();

    /// <summary>"What are your opening hours?", "when are you open?": the hours something is open, answered by times or days.</summary>
    [GeneratedRegex(@"\b(opening|business|office|service|support|care|your|phone|chat)\s+hours\b|\bwhat hours\b|\bwhen\s+(are|is)\s+(you|it|they|\w+\s+\w+)\s+open\b", RegexOptions.IgnoreCase)]
    private static partial Regex HoursQuestion();

    /// <summary>
    /// Whether the question (or one part of it) asks what something costs: "how much does it cost", "how much is the
    /// fee", "what is the price of…", "price of a battery?", and "how much is the Sweep S2?" unless it asks how much of
    /// something is meant ("how much is the maximum dose?", "how much is too much?"). Not a question that only mentions
    /// costs ("do physicians know the costs of care?", "are they worth the price?"), nor a word that holds "cost"
    /// (corticosteroid).
    /// </summary>
    public static bool AsksForPrice(string question) => PriceQuestion().IsMatch(question) || (HowMuchIs().IsMatch(question) && !QuantityWords().IsMatch(question));

    [GeneratedRegex(@"\bhow much (is|are|'s)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HowMuchIs();

    /// <summary>What "how much is…" asks the quantity of, not the price.</summary>
    [GeneratedRegex(@"\b(doses?|dosage|capacity|size|space|weight|water|power|storage|memory|data|volume|left|enough|safe|too|time|room)\b|\bhow much (is|are|'s) there\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuantityWords();

    [GeneratedRegex(@"\bhow much\b.*\b(costs?|prices?d?|charges?d?|fees?|pay)\b|\bwhat\b.*\b(is|are|'s|does|do)\b.*\b(costs?|prices?|fees?|charges?)\b|^\s*(the\s+)?(costs?|prices?)\s+(of|for)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PriceQuestion();

    [GeneratedRegex(@"\b(costs?|prices?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MentionsPrice();

    /// <summary>The words that ask for a price, not what it is of.</summary>
    private static readonly HashSet<string> PriceWords = ["cost", "price", "pai", "pay", "charg", "fee", "much", "spend"];

    /// <summary>
    /// Whether the text gives a price ("$24.99", "€5", "30 dollars", "free") in a sentence that holds one of <paramref name="of"/>
    /// (stems of what the question asks the price of; the words that ask for a price do not count): the charge for
    /// missing a delivery appointment is not the price of the TV delivered. The things the question names
    /// (<paramref name="named"/>: the Sweep S2) must be in that sentence or in <paramref name="context"/> (its document's
    /// title and headings): "the Auto-Empty Base is an optional accessory ($149)" is not the price of the Sweep S2, though
    /// its FAQ entry names the robot in another sentence. Any sentence with a price does when the question names nothing else.
    /// </summary>
    public static bool GivesPrice(string text, IReadOnlyCollection<string> of, IReadOnlyCollection<string> named, string context)
    {
        var things = of.Where(t => !PriceWords.Contains(t)).ToList();
        var around = Terms.Stems(context).ToHashSet();
        return text.Split('\n').SelectMany(Sentences.Split).Any(s =>
        {
            if (!Price().IsMatch(s) && !Free().IsMatch(s)) return false;
            var words = Terms.Stems(s).ToHashSet();
            return (things.Count == 0 || things.Any(words.Contains)) && named.All(n => words.Contains(n) || around.Contains(n));
        });
    }

    /// <summary>The kind of answer the question (or one part of it) asks for, as a test on a passage; null when it asks for no particular kind.</summary>
    public static Func<string, bool>? Of(string question)
    {
        var q = question.ToLowerInvariant();
        if (AsksForPrice(question) || MentionsPrice().IsMatch(question)) return Price().IsMatch;
        if (ContactQuestion().IsMatch(question)) return Contact().IsMatch;
        if (HoursQuestion().IsMatch(question)) return Time().IsMatch;
        if (q.Contains("how often", StringComparison.Ordinal)) return text => Frequency().IsMatch(text) || Duration().IsMatch(text);
        if (q.Contains("how long", StringComparison.Ordinal) || q.Contains("how many days", StringComparison.Ordinal) || q.Contains("how quickly", StringComparison.Ordinal)
            || q.Contains("how soon", StringComparison.Ordinal)) return Duration().IsMatch;
        if (q.Contains("range", StringComparison.Ordinal)) return Range().IsMatch;
        if (q.Contains("capacity", StringComparison.Ordinal)) return Capacity().IsMatch;
        // "What should my blood sugar be…?" asks for a level.
        if (q.Contains("dose", StringComparison.Ordinal) || q.Contains("how much", StringComparison.Ordinal)
            || (q.StartsWith("what should", StringComparison.Ordinal) && q.Contains(" be", StringComparison.Ordinal))
            || q.Contains("size", StringComparison.Ordinal) || HowMuchOf().IsMatch(q) || q.Contains("weigh", StringComparison.Ordinal)) return Amount().IsMatch;
        if (q.StartsWith("when", StringComparison.Ordinal) || q.Contains(" time", StringComparison.Ordinal) || q.Contains("cut-off", StringComparison.Ordinal)
            || q.Contains("deadline", StringComparison.Ordinal)) return Time().IsMatch;
        return null;
    }
}
