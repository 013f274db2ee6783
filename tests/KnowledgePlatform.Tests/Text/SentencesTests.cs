using KnowledgePlatform.Core.Text;
using Xunit;

namespace KnowledgePlatform.Tests.Text;

public sealed class SentencesTests
{
    [Fact]
    public void A_numbered_line_is_one_sentence_with_its_number()
    {
        var sentences = Sentences.Split("4. ATSC 3.0 channels need a stronger signal. If a channel breaks up, tune to ATSC 1.0.\n5. Antenna: \"Weak or No Signal\"");

        Assert.Equal(["4. ATSC 3.0 channels need a stronger signal.", "If a channel breaks up, tune to ATSC 1.0.", "5. Antenna: \"Weak or No Signal\""], sentences);
    }

    [Fact]
    public void A_number_that_ends_a_sentence_inside_a_line_still_ends_it()
    {
        var sentences = Sentences.Split("The maximum is 4. Take it with water. Initials such as J. Smith stay whole.");

        Assert.Equal(["The maximum is 4.", "Take it with water.", "Initials such as J. Smith stay whole."], sentences);
    }
}
