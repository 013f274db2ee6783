using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class FullTextQueryTests
{
    [Fact]
    public void Every_word_becomes_a_quoted_literal_so_fts5_syntax_cannot_be_injected()
    {
        Assert.Equal("\"title\" OR \"near\" OR \"x\" OR \"drop\" OR \"table\"", FullTextQuery.Build("title:NEAR(x) \"drop table\"^"));
    }

    [Fact]
    public void A_query_without_words_matches_nothing()
    {
        Assert.Equal("", FullTextQuery.Build("?? -- !!"));
    }
}
