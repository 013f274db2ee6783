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
}
