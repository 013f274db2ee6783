using KnowledgePlatform.Infrastructure.ChatModels;
using Xunit;

namespace KnowledgePlatform.Tests.Models;

public sealed class StopSequenceFilterTests
{
    [Fact]
    public void Text_is_cut_where_a_stop_sequence_appears_across_pieces()
    {
        var filter = new StopSequenceFilter(["</answer>"]);

        Assert.Equal(("Hello ", false), filter.Push("Hello "));
        Assert.Equal(("world", false), filter.Push("world</an"));
        Assert.Equal(("", true), filter.Push("swer> and more"));
    }

    [Fact]
    public void A_held_back_prefix_is_released_when_it_turns_out_not_to_stop()
    {
        var filter = new StopSequenceFilter(["STOP"]);

        Assert.Equal(("go ", false), filter.Push("go ST"));
        Assert.Equal(("STart", false), filter.Push("art"));
        Assert.Equal("", filter.Flush());
    }

    [Fact]
    public void Without_stop_sequences_text_passes_unchanged()
    {
        Assert.Equal(("abc", false), new StopSequenceFilter(null).Push("abc"));
    }
}
