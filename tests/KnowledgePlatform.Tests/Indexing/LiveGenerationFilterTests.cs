using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using Qdrant.Client.Grpc;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>Which points of a document in transition a Qdrant search may see (decision 0094), without a server.</summary>
public sealed class LiveGenerationFilterTests
{
    private static readonly QdrantSchema Schema = new(new EmbeddingModelCard("m", 4, 512, ""), new QdrantOptions());

    private static IndexTransition Transition(string document, string? live, params string[] hidden) => new()
    {
        DocumentId = document, TenantId = "acme", KnowledgeBaseId = "kb", LiveGeneration = live, HiddenGenerations = [.. hidden],
        Owner = "w", LeaseExpiresAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public void Without_transitions_a_search_gets_no_extra_clause()
    {
        var query = Schema.DenseQuery(new ChunkFilter("acme", ["kb"]), new float[4], 5);
        var before = query.Filter.Clone();

        LiveGenerationFilter.Apply(query, []);

        Assert.Equal(before, query.Filter);
    }

    [Fact]
    public void A_replace_not_yet_published_hides_the_generations_being_written_and_only_those()
    {
        var filter = new Filter();

        LiveGenerationFilter.Apply(filter, [Transition("doc_1", null, "g2", "g3")]);

        var hidden = Assert.Single(filter.MustNot).Filter;
        Assert.Equal((QdrantSchema.Fields.Document, "doc_1"), (hidden.Must[0].Field.Key, hidden.Must[0].Field.Match.Keyword));
        Assert.Equal(QdrantSchema.Fields.Generation, hidden.Must[1].Field.Key);
        Assert.Equal(["g2", "g3"], hidden.Must[1].Field.Match.Keywords.Strings);
        Assert.Empty(hidden.MustNot);
    }

    [Fact]
    public void A_published_replace_shows_only_the_live_generation_of_that_document()
    {
        var filter = new Filter();

        LiveGenerationFilter.Apply(filter, [Transition("doc_1", "g2"), Transition("doc_2", null, "g9")]);

        Assert.Equal(2, filter.MustNot.Count);
        var other = filter.MustNot[0].Filter;
        Assert.Equal("doc_1", other.Must.Single().Field.Match.Keyword);
        Assert.Equal((QdrantSchema.Fields.Generation, "g2"), (other.MustNot.Single().Field.Key, other.MustNot.Single().Field.Match.Keyword));
    }

    [Fact]
    public void A_fused_query_hides_the_same_points_in_every_prefetch()
    {
        var query = Schema.HybridQuery(new ChunkFilter("acme", ["kb"]), new float[4], "paracetamol dose", 6, 40, 60);

        LiveGenerationFilter.Apply(query, [Transition("doc_1", "g2")]);

        Assert.Single(query.Filter.MustNot);
        Assert.All(query.Prefetch, p => Assert.Equal(query.Filter.MustNot.Single(), p.Filter.MustNot.Single()));
    }

    [Fact]
    public void Views_agree_only_when_every_epoch_is_the_same()
    {
        var view = new IndexView(new Dictionary<string, long> { ["kb"] = 3, ["kb2"] = 1 }, []);

        Assert.True(view.SameEpochs(new Dictionary<string, long> { ["kb2"] = 1, ["kb"] = 3 }));
        Assert.False(view.SameEpochs(new Dictionary<string, long> { ["kb"] = 4, ["kb2"] = 1 }));
        Assert.False(view.SameEpochs(new Dictionary<string, long> { ["kb"] = 3 }));
    }
}
