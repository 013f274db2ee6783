using KnowledgePlatform.Rag.Orchestration;
using Xunit;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>Strict answers as sentences that each carry their citations.</summary>
public sealed class CitedSentencesTests
{
    private static readonly IReadOnlySet<int> Three = new HashSet<int> { 1, 2, 3 };

    [Fact]
    public void Each_sentence_carries_the_markers_written_after_it()
    {
        var (sentences, uncited) = Grounding.CitedSentences("Adults take at most 4 g a day [1]. Ibuprofen interacts with warfarin [2][3].", Three);

        Assert.Equal(["Adults take at most 4 g a day.", "Ibuprofen interacts with warfarin."], sentences.Select(s => s.Text));
        Assert.Equal([1], sentences[0].Citations);
        Assert.Equal([2, 3], sentences[1].Citations);
        Assert.Empty(uncited);
    }

    [Fact]
    public void A_marker_closes_the_run_of_sentences_before_it_on_its_line()
    {
        var (sentences, _) = Grounding.CitedSentences("Hold the button. Wait for the light. It pulses orange. [2]\nCharge it first. [1]", Three);

        Assert.Equal(4, sentences.Count);
        Assert.All(sentences.Take(3), s => Assert.Equal([2], s.Citations));
        Assert.Equal([1], sentences[3].Citations);
    }

    [Fact]
    public void Sentences_no_marker_closes_and_numbers_without_a_citation_are_left_out()
    {
        var (sentences, uncited) = Grounding.CitedSentences("The dose is 4 g [1].\n\nNo generative model is configured, so this answer quotes passages.\nMade up [9].", Three);

        Assert.Equal(["The dose is 4 g."], sentences.Select(s => s.Text));
        Assert.Equal(["No generative model is configured, so this answer quotes passages.", "Made up."], uncited);
    }
}
