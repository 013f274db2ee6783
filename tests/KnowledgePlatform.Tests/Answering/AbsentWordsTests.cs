using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;

namespace KnowledgePlatform.Tests.Answering;

public sealed class AbsentWordsTests
{
    private const string Evidence = "Paracetamol (acetaminophen): adult dose 500 mg to 1 g every 4 to 6 hours; max daily dose 4 g. Naproxen for musculoskeletal pain.";

    private static IReadOnlyList<string> Absent(string question)
    {
        var words = Terms.Of(Evidence).ToHashSet();
        return AbsentWords.Of(question, words.Select(PorterStemmer.Stem).ToHashSet(), () => words);
    }

    [Fact]
    public void A_specific_word_the_evidence_never_holds_is_absent() => Assert.Equal(["tramadol"], Absent("Maximum daily dose of tramadol for an adult?"));

    [Fact]
    public void A_name_the_evidence_never_holds_is_absent_however_short() => Assert.Equal(["advil"], Absent("What is the dose of Advil?"));

    [Theory]
    [InlineData("What is the dose of paracetamool?")]        // a letter added
    [InlineData("What is the dose of paracetmol?")]          // a letter left out
    [InlineData("Maximum dose of acetaminophen?")]           // "max" is the evidence's shortening of "maximum"
    [InlineData("What is the usual adult dose?")]            // short or held words only
    public void Words_held_misspelt_shortened_or_short_are_not_absent(string question) => Assert.Empty(Absent(question));
}
