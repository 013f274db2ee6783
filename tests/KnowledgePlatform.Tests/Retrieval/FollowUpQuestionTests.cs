using KnowledgePlatform.Rag.Retrieval;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class FollowUpQuestionTests
{
    [Theory]
    [InlineData("and for holiday purchases?")]
    [InlineData("What about children?")]
    [InlineData("How much is it?")]
    [InlineData("Do you ship there?")]
    [InlineData("Returns?")]
    public void A_question_that_refers_back_or_names_too_little_leans_on_the_earlier_turn(string question) =>
        Assert.True(FollowUpQuestion.LeansOnEarlier(question));

    [Theory]
    [InlineData("How can I reach you?")]                 // put to the organisation: "you" is no earlier turn's subject
    [InlineData("What are your hours?")]
    [InlineData("Can I drink alcohol while taking warfarin?")]
    public void A_question_that_stands_on_its_own_is_searched_as_asked(string question) =>
        Assert.False(FollowUpQuestion.LeansOnEarlier(question));
}
