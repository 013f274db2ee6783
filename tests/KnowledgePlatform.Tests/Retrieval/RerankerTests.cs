using System.Net;
using System.Text.Json;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Tests.Fakes;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class RerankerTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static HttpReranker Reranker(FakeHttpHandler handler, string api = "tei", string endpoint = "http://tei:8080/rerank") =>
        new(new HttpClient(handler), Options.Create(new RerankOptions { Endpoint = endpoint, Api = api, Model = "bge-reranker-v2-m3", ApiKey = "secret" }));

    [Fact]
    public async Task A_tei_server_gets_query_and_texts_and_its_scores_come_back_in_passage_order()
    {
        // TEI answers sorted by score, not by index.
        var handler = new FakeHttpHandler("""[{"index": 1, "score": 0.9}, {"index": 2, "score": 0.4}, {"index": 0, "score": 0.1}]""");

        var scores = await Reranker(handler).ScoreAsync("reset the router", ["a", "b", "c"], _ct);

        Assert.Equal([0.1, 0.9, 0.4], scores);
        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal("http://tei:8080/rerank", request.RequestUri!.ToString());
        Assert.Equal("Bearer secret", request.Headers.Authorization!.ToString());
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("reset the router", json.GetProperty("query").GetString());
        Assert.Equal(["a", "b", "c"], json.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task A_jina_style_server_gets_model_and_documents_and_answers_relevance_scores()
    {
        var handler = new FakeHttpHandler("""{"model": "m", "results": [{"index": 0, "relevance_score": 0.3, "document": {"text": "a"}}, {"index": 1, "relevance_score": 0.8}]}""");

        var scores = await Reranker(handler, "jina", "http://vllm:8000/v1/rerank").ScoreAsync("q", ["a", "b"], _ct);

        Assert.Equal([0.3, 0.8], scores);
        var json = JsonDocument.Parse(handler.Requests[0].Body).RootElement;
        Assert.Equal("bge-reranker-v2-m3", json.GetProperty("model").GetString());
        Assert.Equal(["a", "b"], json.GetProperty("documents").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, json.GetProperty("top_n").GetInt32());
    }

    [Fact]
    public async Task An_answer_that_leaves_a_passage_unscored_is_an_error()
    {
        var handler = new FakeHttpHandler("""[{"index": 0, "score": 0.5}]""");

        await Assert.ThrowsAsync<InvalidDataException>(() => Reranker(handler).ScoreAsync("q", ["a", "b"], _ct));
    }

    [Fact]
    public async Task A_server_error_surfaces_as_an_http_error()
    {
        var handler = new FakeHttpHandler("{}", HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<HttpRequestException>(() => Reranker(handler).ScoreAsync("q", ["a"], _ct));
    }

    [Fact]
    public void Without_an_endpoint_the_reranker_is_off()
    {
        Assert.False(new HttpReranker(new HttpClient(), Options.Create(new RerankOptions())).Enabled);
    }
}
