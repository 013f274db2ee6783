using System.Net;
using System.Text.Json;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Tests.Fakes;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class OpenAiEmbeddingGeneratorTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private static readonly EmbeddingModelCard BgeM3 = new("bge-m3", 3, 8192, "");

    private static OpenAiEmbeddingGenerator Generator(FakeHttpHandler handler, string? key = "sk-test") =>
        new(new HttpClient(handler), BgeM3, new Uri("http://gpu-box:8000/v1/"), key);

    [Fact]
    public async Task Texts_go_to_the_embeddings_endpoint_with_the_model_name_and_come_back_normalised_in_input_order()
    {
        // Out of order on purpose: the index field decides.
        var handler = new FakeHttpHandler("""{"object": "list", "data": [{"index": 1, "embedding": [0, 0, 2]}, {"index": 0, "embedding": [3, 4, 0]}], "model": "bge-m3"}""");

        var embeddings = await Generator(handler).GenerateAsync(["保修期多久？", "warranty"], cancellationToken: _ct);

        Assert.Equal([0.6f, 0.8f, 0f], embeddings[0].Vector.ToArray());
        Assert.Equal([0f, 0f, 1f], embeddings[1].Vector.ToArray());
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://gpu-box:8000/v1/embeddings", request.RequestUri!.ToString());
        Assert.Equal("Bearer sk-test", request.Headers.Authorization!.ToString());
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("bge-m3", json.GetProperty("model").GetString());
        Assert.Equal(["保修期多久？", "warranty"], json.GetProperty("input").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task A_vector_of_another_dimension_than_configured_is_refused_with_the_reason()
    {
        var handler = new FakeHttpHandler("""{"data": [{"index": 0, "embedding": [1, 0]}]}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Generator(handler).GenerateAsync(["x"], cancellationToken: _ct));

        Assert.Contains("2-dimensional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_error_names_the_endpoint_and_the_model_and_no_key_means_no_authorization_header()
    {
        var handler = new FakeHttpHandler("""{"error": "model not found"}""", HttpStatusCode.NotFound);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Generator(handler, key: null).GenerateAsync(["x"], cancellationToken: _ct));

        Assert.Contains("bge-m3", error.Message, StringComparison.Ordinal);
        Assert.Null(handler.Requests[0].Request.Headers.Authorization);
    }
}
