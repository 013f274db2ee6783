using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Text;

public sealed class QuotedSpanTests
{
    private static List<string> Words(string text) => QuotedSpan.Words(text).Select(w => w.Text).ToList();

    [Fact]
    public void Words_are_letters_and_digits_lower_cased_with_their_place_in_the_text()
    {
        var words = QuotedSpan.Words("Take 500 mg—twice\na day.");
        Assert.Equal(["take", "500", "mg", "twice", "a", "day"], words.Select(w => w.Text));
        Assert.Equal(("twice", 12, 5), (words[3].Text, words[3].Start, words[3].Length));
    }

    [Fact]
    public void A_quote_is_found_whatever_its_line_breaks_punctuation_and_case()
    {
        var source = Words("Dosing.\nThe maximum daily dose of paracetamol for adults\nis 4 g. Children: see below.");
        Assert.Equal((1, 11), QuotedSpan.Find(source, Words("the maximum daily dose of Paracetamol for adults is 4 g")));
    }

    [Fact]
    public void A_quote_with_a_redacted_middle_is_placed_by_its_first_and_last_words()
    {
        var source = Words("Write to the ward office at ward7@clinic.example before ten in the morning on weekdays.");
        var quote = Words("Write to the ward office at [EMAIL] before ten in the morning on weekdays.");
        Assert.Equal((0, source.Count - 1), QuotedSpan.Find(source, quote));
    }

    [Fact]
    public void A_quote_whose_end_was_edited_is_placed_by_its_first_words_and_an_unknown_one_not_at_all()
    {
        var source = Words("Restart the router and wait two minutes before calling support.");
        Assert.Equal((0, 4), QuotedSpan.Find(source, Words("Restart the router and wait for the green light to come on")));
        Assert.Null(QuotedSpan.Find(source, Words("The warranty lasts two years from the day of purchase")));
        Assert.Null(QuotedSpan.Find(source, []));
    }

    [Fact]
    public void First_and_last_words_further_apart_than_twice_the_quote_do_not_make_a_span()
    {
        var source = Words("alpha beta gamma delta epsilon " + string.Join(' ', Enumerable.Repeat("filler", 40)) + " zeta eta theta iota kappa");
        Assert.Equal((0, 4), QuotedSpan.Find(source, Words("alpha beta gamma delta epsilon omitted zeta eta theta iota kappa")));
    }
}
