using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Tests.Fakes;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class EmbeddingModelRegistryTests
{
    private static EmbeddingModel Model(string name) => new(new EmbeddingModelCard(name, 3, 512, ""), new WordEmbeddings("a", "b"));

    [Fact]
    public void The_first_model_is_the_default_and_others_are_found_by_name()
    {
        var registry = new EmbeddingModelRegistry([Model("arctic"), Model("bge-m3")]);

        Assert.Equal("arctic", registry.Default.Card.Name);
        Assert.Equal("arctic", registry.Get(null).Card.Name);
        Assert.Equal("bge-m3", registry.Get("bge-m3").Card.Name);
    }

    [Fact]
    public void An_unconfigured_model_is_an_error_that_says_what_to_do()
    {
        var registry = new EmbeddingModelRegistry([Model("arctic")]);

        var error = Assert.Throws<EmbeddingModelUnavailableException>(() => registry.Get("bge-m3"));

        Assert.Contains("kp reembed", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new EmbeddingModelRegistry([Model("x"), Model("x")]));
    }

    [Fact]
    public void An_endpoint_model_without_an_endpoint_is_a_configuration_problem()
    {
        var options = new EmbeddingOptions
        {
            Model = "arctic", Dimension = 384,
            Additional = [new EmbeddingModelOptions { Provider = "openai", Model = "bge-m3", Dimension = 1024 }],
        };

        Assert.Equal(["Embedding:Additional:0:Endpoint is needed for the 'openai' provider (e.g. http://localhost:8000/v1)."], options.Problems());
    }
}
