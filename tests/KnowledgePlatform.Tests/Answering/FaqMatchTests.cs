using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

public sealed class FaqMatchTests
{
    private const string Metformin = "Q: Can I drink alcohol while taking metformin?\nA: Small amounts of alcohol are usually fine with metformin, " +
        "but heavy drinking increases the risk of lactic acidosis. Do not drink on an empty stomach.";

    [Theory]
    [InlineData("Can I drink alcohol while taking metformin?")]
    [InlineData("can i drink alcohol when I take metformin")]
    public void A_question_that_matches_an_entrys_question_gets_the_entry(string question) =>
        Assert.NotNull(FaqMatch.Find(question, [Evidence("faq", Metformin, ChunkKind.QuestionAnswer, "faq", "", 0.9, 0.8)], 0.6));

    [Theory]
    [InlineData("Can I drink alcohol while taking warfarin?")]      // the drug asked about, which the entry never names
    [InlineData("Can I drink beer while taking metformin?")]        // a word the entry never writes
    public void A_question_that_shares_most_words_with_an_entry_but_asks_about_what_it_never_writes_does_not_get_it(string question)
    {
        Assert.True(FaqMatch.Score(question, "Can I drink alcohol while taking metformin?") >= 0.6);
        Assert.Null(FaqMatch.Find(question, [Evidence("faq", Metformin, ChunkKind.QuestionAnswer, "faq", "", 0.9, 0.8)], 0.6));
    }
}
