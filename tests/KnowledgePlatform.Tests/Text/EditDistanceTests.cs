using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Text;

public sealed class EditDistanceTests
{
    [Theory]
    [InlineData("replacment", "replacement", 1)] // a letter left out
    [InlineData("recieve", "receive", 1)]        // two neighbours swapped
    [InlineData("warfarine", "warfarin", 1)]     // a letter added
    [InlineData("tramadol", "tramadol", 0)]
    [InlineData("paracetamol", "paracetamal", 1)] // a letter changed
    [InlineData("hypothyroidsm", "hypothyroidism", 1)]
    public void A_word_is_within_the_edits_that_make_it_the_other(string a, string b, int edits)
    {
        Assert.True(EditDistance.Within(a, b, edits));
        Assert.True(EditDistance.Within(b, a, edits));
        if (edits > 0) Assert.False(EditDistance.Within(a, b, edits - 1));
    }

    [Theory]
    [InlineData("tramadol", "paracetamol")]
    [InlineData("oseltamivir", "ivermectin")]
    [InlineData("metformin", "gliclazide")]
    [InlineData("robovac", "robot")]
    public void Different_words_are_more_than_two_edits_apart(string a, string b) => Assert.False(EditDistance.Within(a, b, 2));
}
