using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Text;

public sealed class QuestionPartsTests
{
    [Fact]
    public void A_question_that_asks_two_things_is_split_at_and()
    {
        Assert.Equal(["How much does Next Day shipping cost", "what is the order cut-off time?"],
            QuestionParts.Of("How much does Next Day shipping cost and what is the order cut-off time?"));
    }

    [Fact]
    public void A_part_of_fewer_than_two_content_words_stays_with_the_part_before_it()
    {
        Assert.Single(QuestionParts.Of("Where do I connect Rh and Rc?"));
    }

    [Fact]
    public void A_later_part_that_refers_back_carries_the_first_parts_words()
    {
        var parts = QuestionParts.Standalone("How long after the flu vaccine am I protected, and can pregnant women have it?");

        Assert.Equal(2, parts.Count);
        Assert.Equal("How long after the flu vaccine am I protected", parts[0]);
        Assert.StartsWith("can pregnant women have it?", parts[1], StringComparison.Ordinal);
        Assert.Contains("vaccine", parts[1], StringComparison.Ordinal);
        Assert.Equal(QuestionParts.Of("How much does it cost and what is the cut-off time?")[1],
            QuestionParts.Standalone("How much does it cost and what is the cut-off time?")[1]);
    }
}
