using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

public sealed class HnswSearchBeamTests
{
    [Fact]
    public void A_small_graph_is_searched_with_the_narrowest_beam()
    {
        Assert.Equal(HnswSearchBeam.Narrowest, HnswSearchBeam.For(0));
        Assert.Equal(HnswSearchBeam.Narrowest, HnswSearchBeam.For(10_000));
    }

    [Fact]
    public void The_beam_widens_as_the_graph_grows_and_stops_at_its_widest()
    {
        var sizes = new long[] { 10_000, 20_000, 50_000, 100_000, 300_000, 1_000_000, 10_000_000 };
        var beams = sizes.Select(HnswSearchBeam.For).ToList();
        Assert.Equal(beams.Order(), beams);
        Assert.InRange(HnswSearchBeam.For(100_000), 300, 400);
        Assert.InRange(HnswSearchBeam.For(1_000_000), 1_000, HnswSearchBeam.Widest);
        Assert.Equal(HnswSearchBeam.Widest, HnswSearchBeam.For(10_000_000));
    }
}
