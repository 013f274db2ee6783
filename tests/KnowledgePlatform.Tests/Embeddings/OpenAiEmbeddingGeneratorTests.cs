using System.Net;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Http;
using KnowledgePlatform.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace KnowledgePlatform.Tests.Embeddings;

/// <summary>
/// The "openai" embedding provider as the hosts register it (IHttpClientFactory, the cookie-less handler), against an
/// endpoint on a loopback port that answers like OpenAI and vLLM (base64 when asked) or like Ollama and llama.cpp (floats).
/// </summary>
public sealed class OpenAiEmbeddingGeneratorTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private FakeEmbeddingEndpoint _endpoint = null!;
    private ServiceProvider? _services;

    public async ValueTask InitializeAsync() => _endpoint = await FakeEmbeddingEndpoint.StartAsync(_ct);

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    private IEmbeddingGenerator<string, Embedding<float>> Generator(string? key = "sk-test", TimeSpan? timeout = null, string? endpoint = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Embedding:Provider"] = "openai",
            ["Embedding:Model"] = "bge-m3",
            ["Embedding:Dimension"] = "3",
            ["Embedding:Endpoint"] = endpoint ?? _endpoint.BaseUrl.ToString(),
            ["Embedding:ApiKey"] = key,
        });
        builder.AddOutboundHttp().AddEmbeddings();
        if (timeout is { } t) builder.Services.AddHttpClient(OpenAiEmbeddingGenerator.HttpClientName, http => http.Timeout = t);
        _services = builder.Services.BuildServiceProvider();
        return _services.GetRequiredService<EmbeddingModelRegistry>().Default.Generator;
    }

    [Fact]
    public async Task Texts_go_to_the_embeddings_endpoint_with_the_model_name_and_float_answers_come_back_normalised_in_input_order()
    {
        // Like Ollama or llama.cpp: float arrays whatever encoding_format asked for.
        _endpoint.Answer = _ => FakeEmbeddingEndpoint.Floats([[3, 4, 0], [0, 0, 2]]);

        var embeddings = await Generator().GenerateAsync(["保修期多久？", "warranty"], cancellationToken: _ct);

        Assert.Equal([0.6f, 0.8f, 0f], embeddings[0].Vector.ToArray());
        Assert.Equal([0f, 0f, 1f], embeddings[1].Vector.ToArray());
        Assert.All(embeddings, e => Assert.Equal("bge-m3", e.ModelId));
        var (headers, body) = Assert.Single(_endpoint.Requests);
        Assert.Equal("Bearer sk-test", headers.Authorization.ToString());
        Assert.Equal("bge-m3", body.GetProperty("model").GetString());
        Assert.Equal(["保修期多久？", "warranty"], body.GetProperty("input").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task Base64_answers_to_a_base64_request_give_the_same_vectors()
    {
        // Like OpenAI or vLLM: the encoding the request asked for.
        _endpoint.Answer = request => request.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64"
            ? FakeEmbeddingEndpoint.Base64([[3, 4, 0], [0, 0, 2]])
            : FakeEmbeddingEndpoint.Floats([[3, 4, 0], [0, 0, 2]]);

        var embeddings = await Generator().GenerateAsync(["warranty", "returns"], cancellationToken: _ct);

        Assert.Equal("base64", _endpoint.Requests[0].Body.GetProperty("encoding_format").GetString());
        Assert.Equal([0.6f, 0.8f, 0f], embeddings[0].Vector.ToArray());
        Assert.Equal([0f, 0f, 1f], embeddings[1].Vector.ToArray());
    }

    [Fact]
    public async Task Without_a_configured_key_the_call_goes_out_with_the_placeholder_key()
    {
        _endpoint.Answer = _ => FakeEmbeddingEndpoint.Floats([[1, 0, 0]]);

        var embeddings = await Generator(key: null).GenerateAsync(["x"], cancellationToken: _ct);

        Assert.Single(embeddings);
        Assert.Equal($"Bearer {OpenAiCompatibleEndpoint.NoKey}", _endpoint.Requests[0].Headers.Authorization.ToString());
    }

    [Fact]
    public async Task A_vector_of_another_dimension_than_configured_is_refused_with_the_reason()
    {
        _endpoint.Answer = _ => FakeEmbeddingEndpoint.Floats([[1, 0]]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Generator().GenerateAsync(["x"], cancellationToken: _ct));

        Assert.Equal("The model 'bge-m3' returned 2-dimensional vectors; its Dimension is configured as 3.", error.Message);
    }

    [Fact]
    public async Task An_endpoint_error_names_the_endpoint_and_the_model_and_is_not_retried()
    {
        _endpoint.Answer = _ => Results.Json(new { error = new { message = "model not found" } }, statusCode: StatusCodes.Status503ServiceUnavailable);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Generator().GenerateAsync(["x"], cancellationToken: _ct));

        Assert.Equal($"The embedding endpoint {_endpoint.BaseUrl}/embeddings answered 503 for model 'bge-m3'.", error.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Single(_endpoint.Requests);
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_with_the_http_clients_message()
    {
        _endpoint.Answer = _ => FakeEmbeddingEndpoint.Floats([[1, 0, 0]]);
        _endpoint.Delay = TimeSpan.FromSeconds(10);

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generator(timeout: TimeSpan.FromMilliseconds(300)).GenerateAsync(["x"], cancellationToken: _ct));

        Assert.Contains("HttpClient.Timeout of 0.3 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_an_http_request_exception()
    {
        var closed = _endpoint.BaseUrl.ToString();
        await _endpoint.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => Generator(endpoint: closed).GenerateAsync(["x"], cancellationToken: _ct));
    }
}
