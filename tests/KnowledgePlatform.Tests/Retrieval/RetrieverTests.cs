using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

/// <summary>The retriever over the real embedded index, with a word-axis stand-in for the embedding model.</summary>
public sealed class RetrieverTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-retriever-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly EmbeddedChunkIndex _index;
    private readonly WordEmbeddings _model = new("router", "reset", "warranty", "paracetamol", "dose", "children", "adults", "password");

    public RetrieverTests() => _index = new EmbeddedChunkIndex(_folder);

    public void Dispose()
    {
        _index.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Retriever Retriever(FakeHttpHandler? reranker = null, ScriptedChatClient? chat = null, RetrievalOptions? options = null) => new(
        _index,
        new EmbeddingModelRegistry([new EmbeddingModel(new EmbeddingModelCard("words", _model.Dimension, 512, ""), _model)]),
        Options.Create(options ?? new RetrievalOptions { MinSimilarity = 0.3 }),
        new HttpReranker(new HttpClient(reranker ?? new FakeHttpHandler("[]")), Options.Create(new RerankOptions { Endpoint = reranker is null ? null : "http://tei/rerank" })),
        new QueryRewriter(chat, new PromptLibrary(Options.Create(new AnsweringOptions())), NullLogger<QueryRewriter>.Instance),
        NullLogger<Retriever>.Instance);

    private async Task Add(string tenant, string kb, string doc, params (string Heading, string Text)[] chunks)
    {
        var reference = new DocumentRef(tenant, kb, doc);
        var embedded = await _model.GenerateAsync(chunks.Select(c => c.Text), cancellationToken: _ct);
        await _index.ReplaceDocumentAsync(reference, chunks.Select((c, i) => new IndexedChunk(
            new ChunkPayload($"{doc}-{i}", tenant, kb, doc, doc, doc + ".md", i, c.Text, c.Heading, null, null, ChunkKind.Text), embedded[i].Vector)).ToList(), _ct);
    }

    [Fact]
    public async Task A_search_only_returns_chunks_of_the_requesting_tenant()
    {
        await Add("clinic", "kb", "dosing", ("", "paracetamol dose for adults"));
        await Add("other", "kb", "leak", ("", "paracetamol dose for adults and children"));

        var result = await Retriever().SearchAsync(new RetrievalRequest("clinic", ["kb"], "paracetamol dose children"), _ct);

        Assert.Equal(["dosing"], result.Hits.Select(h => h.Chunk.DocumentId));
    }

    [Fact]
    public async Task A_configured_reranker_reorders_the_fused_candidates_and_its_score_is_kept()
    {
        await Add("t", "kb", "manual", ("", "router reset"), ("", "router warranty"), ("", "router password"));
        // Whatever the fused order, the reranker puts the passage mentioning the password first.
        var handler = new FakeHttpHandler("[]");
        var retriever = Retriever(handler);
        var fused = await retriever.SearchAsync(new RetrievalRequest("t", ["kb"], "router reset") { Rerank = false, ApplyFloor = false }, _ct);
        var texts = fused.Hits.Select(h => h.Chunk.SearchableText).ToList();
        var scores = texts.Select(t => t.Contains("password", StringComparison.Ordinal) ? 0.9 : 0.1).ToList();
        var reranker = new FakeHttpHandler(System.Text.Json.JsonSerializer.Serialize(scores.Select((s, i) => new { index = i, score = s })));

        var result = await Retriever(reranker).SearchAsync(new RetrievalRequest("t", ["kb"], "router reset") { ApplyFloor = false }, _ct);

        Assert.Equal("router password", result.Hits[0].Chunk.Text);
        Assert.Equal(0.9, result.Hits[0].RerankScore);
        Assert.Single(reranker.Requests);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_failing_reranker_leaves_the_fused_order()
    {
        await Add("t", "kb", "manual", ("", "router reset"), ("", "router warranty"));
        var down = new FakeHttpHandler("{}", System.Net.HttpStatusCode.BadGateway);

        var fused = await Retriever().SearchAsync(new RetrievalRequest("t", ["kb"], "router reset"), _ct);
        var result = await Retriever(down).SearchAsync(new RetrievalRequest("t", ["kb"], "router reset"), _ct);

        Assert.Single(down.Requests);
        Assert.Equal(fused.Hits.Select(h => h.Chunk.ChunkId), result.Hits.Select(h => h.Chunk.ChunkId));
        Assert.All(result.Hits, h => Assert.Null(h.RerankScore));
    }

    [Fact]
    public async Task A_follow_up_is_searched_as_the_standalone_query_the_chat_model_wrote()
    {
        await Add("t", "kb", "dosing", ("", "paracetamol dose for children"), ("", "router reset"));
        var chat = new ScriptedChatClient("paracetamol dose for children");
        var history = new[] { new HistoryTurn("What is the paracetamol dose for adults?", "1 g every 4 to 6 hours.") };

        var result = await Retriever(chat: chat).SearchAsync(new RetrievalRequest("t", ["kb"], "And for children?") { History = history }, _ct);

        Assert.Equal("paracetamol dose for children", result.Query);
        Assert.Equal("paracetamol dose for children", result.Hits[0].Chunk.Text);
        var sent = Assert.Single(chat.Calls);
        Assert.Contains("Assistant: 1 g every 4 to 6 hours.", sent[0].Text, StringComparison.Ordinal);
        Assert.Contains("And for children?", sent[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_history_or_without_a_chat_model_the_question_is_searched_as_asked()
    {
        var chat = new ScriptedChatClient("something else");

        var alone = await Retriever(chat: chat).SearchAsync(new RetrievalRequest("t", ["kb"], "router reset"), _ct);
        var noModel = await Retriever().SearchAsync(new RetrievalRequest("t", ["kb"], "router reset") { History = [new("q", "a")] }, _ct);
        var failing = await Retriever(chat: new ScriptedChatClient("", new HttpRequestException("down")))
            .SearchAsync(new RetrievalRequest("t", ["kb"], "router reset") { History = [new("q", "a")] }, _ct);

        Assert.Equal("router reset", alone.Query);
        Assert.Empty(chat.Calls);
        Assert.Equal("router reset", noModel.Query);
        Assert.Equal("router reset", failing.Query);
    }

    [Fact]
    public async Task Neighbour_expansion_brings_adjacent_chunks_or_the_rest_of_the_section()
    {
        await Add("t", "kb", "manual",
            ("Setup", "unpack the box"), ("Setup", "plug in the cable"), ("Setup", "router reset button"), ("Setup", "wait for the light"),
            ("Warranty", "two years"));
        var request = new RetrievalRequest("t", ["kb"], "router reset") { Top = 1, ApplyFloor = false };

        var none = await Retriever().SearchAsync(request, _ct);
        var adjacent = await Retriever().SearchAsync(request with { Settings = new RetrievalSettings { Neighbours = NeighbourExpansion.Adjacent } }, _ct);
        var section = await Retriever().SearchAsync(request with { Settings = new RetrievalSettings { Neighbours = NeighbourExpansion.Section } }, _ct);

        Assert.Equal("router reset button", none.Hits[0].Chunk.Text);
        Assert.Empty(none.Hits[0].Context);
        Assert.Equal(["plug in the cable", "wait for the light"], adjacent.Hits[0].Context.Select(c => c.Text));
        // The whole "Setup" section, but not the "Warranty" chunk after it.
        Assert.Equal(["unpack the box", "plug in the cable", "wait for the light"], section.Hits[0].Context.Select(c => c.Text));
    }

    [Fact]
    public async Task A_candidate_only_bm25_returned_carries_its_dense_similarity_from_the_index()
    {
        // One candidate per signal: the dense search returns the bare "router" chunk, BM25 the one with the query's other words.
        await Add("t", "kb", "manual", ("", "router"), ("", "firmware upgrade steps for the router password"));
        var options = new RetrievalOptions { MinSimilarity = 0.3, Candidates = 1 };

        var result = await Retriever(options: options).SearchAsync(new RetrievalRequest("t", ["kb"], "router firmware upgrade") { ApplyFloor = false }, _ct);

        var lexical = Assert.Single(result.Candidates, c => c.Chunk.ChunkId == "manual-1");
        Assert.Null(lexical.DenseRank);
        Assert.Equal(1, lexical.KeywordRank);
        var vectors = await _model.GenerateAsync(["router firmware upgrade", "firmware upgrade steps for the router password"], cancellationToken: _ct);
        var expected = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span);
        Assert.Equal(expected, lexical.DenseScore!.Value, 0.002);
    }

    [Fact]
    public async Task Single_signal_modes_rank_by_that_signal_alone()
    {
        await Add("t", "kb", "manual", ("", "router reset"), ("", "warranty"));

        var keyword = await Retriever().SearchAsync(new RetrievalRequest("t", ["kb"], "warranty") { Mode = RetrievalMode.Keyword, ApplyFloor = false }, _ct);
        var dense = await Retriever().SearchAsync(new RetrievalRequest("t", ["kb"], "warranty") { Mode = RetrievalMode.Dense, ApplyFloor = false }, _ct);

        Assert.Equal(["warranty"], keyword.Hits.Select(h => h.Chunk.Text));
        Assert.All(keyword.Hits, h => Assert.Null(h.DenseScore));
        Assert.Equal(TimeSpan.Zero, keyword.EmbeddingTime);
        Assert.Equal("warranty", dense.Hits[0].Chunk.Text);
        Assert.All(dense.Hits, h => Assert.Null(h.KeywordScore));
    }
}
