using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

public sealed class Bm25SparseEncoderTests
{
    private readonly Bm25SparseEncoder _encoder = new(k1: 1.2, b: 0.75, averageLength: 10);

    private float Weight(string text, string term, string title = "", string heading = "")
    {
        var v = _encoder.EncodeDocument(title, heading, text);
        var i = Array.IndexOf(v.Indices, Bm25SparseEncoder.Index(term));
        return i < 0 ? 0 : v.Values[i];
    }

    [Fact]
    public void Term_indices_are_a_stable_hash_not_the_process_string_hash()
    {
        // FNV-1a 32-bit reference values.
        Assert.Equal(0xe40c292cu, Bm25SparseEncoder.Index("a"));
        Assert.Equal(0xbf9cf968u, Bm25SparseEncoder.Index("foobar"));
    }

    [Fact]
    public void Repeating_a_term_raises_its_weight_with_saturation_below_k1_plus_one()
    {
        var once = Weight("refund policy", "refund");
        var thrice = Weight("refund refund refund policy", "refund");
        var many = Weight(string.Join(' ', Enumerable.Repeat("refund", 200)), "refund");

        Assert.True(thrice > once);
        Assert.True(many < 2.2f);
    }

    [Fact]
    public void The_same_count_weighs_less_in_a_longer_chunk()
    {
        var shortChunk = Weight("refund within days", "refund");
        var longChunk = Weight("refund " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"filler{i}")), "refund");

        Assert.True(longChunk < shortChunk);
    }

    [Fact]
    public void Title_and_heading_words_weigh_more_than_body_words()
    {
        Assert.True(Weight("other words", "warranty", title: "Warranty") > Weight("warranty other", "warranty"));
        Assert.True(Weight("other words", "warranty", heading: "Warranty") > Weight("warranty other", "warranty"));
    }

    [Fact]
    public void Documents_and_queries_share_stemming_stop_words_and_diacritic_folding()
    {
        var document = _encoder.EncodeDocument("", "", "Returns accepted at the Café");
        var query = Bm25SparseEncoder.EncodeQuery("the return cafe");

        Assert.Equal(2, query.Indices.Length);
        Assert.All(query.Indices, i => Assert.Contains(i, document.Indices));
        Assert.True(Bm25SparseEncoder.EncodeQuery("the and of").IsEmpty);
    }

    [Fact]
    public void Indices_are_sorted_and_distinct_with_one_weight_each()
    {
        var v = _encoder.EncodeDocument("Title words", "Heading", "Body words words and more body");

        Assert.Equal(v.Indices.Order(), v.Indices);
        Assert.Equal(v.Indices.Length, v.Indices.Distinct().Count());
        Assert.Equal(v.Indices.Length, v.Values.Length);
    }
}
