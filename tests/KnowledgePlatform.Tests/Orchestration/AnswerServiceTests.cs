using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using KnowledgePlatform.Rag.Orchestration;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Xunit;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>The journey around the model: conversation, follow-up rewriting, retrieval through the kernel plugin, storing the turn.</summary>
public sealed class AnswerServiceTests
{
    private const string Warranty = "The Sweep S2 robot vacuum has a warranty of 2 years from delivery.";

    private readonly RecordingIndex _index = new();
    private readonly RecordingEmbedder _embedder = new();
    private readonly MemoryConversations _conversations = new();

    private AnswerService Service(IChatClient chat)
    {
        var options = Options.Create(new AnsweringOptions());
        var prompts = new PromptLibrary(options);
        var retriever = new Retriever(
            _index,
            new EmbeddingModelRegistry([new EmbeddingModel(new EmbeddingModelCard("test", 2, 512, "query: "), _embedder)]),
            Options.Create(new RetrievalOptions()),
            new HttpReranker(new HttpClient(), Options.Create(new RerankOptions())),
            new QueryRewriter(null, prompts, Microsoft.Extensions.Logging.Abstractions.NullLogger<QueryRewriter>.Instance),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Retriever>.Instance);
        var services = new ServiceCollection().AddSingleton<IConversationStore>(_conversations).BuildServiceProvider();
        return new AnswerService(retriever, new GroundedAnswerer(chat, prompts, new Kernel()), new ExtractiveAnswerer(), new QueryRewriter(chat, prompts, Microsoft.Extensions.Logging.Abstractions.NullLogger<QueryRewriter>.Instance), new Kernel(),
            services.GetRequiredService<IServiceScopeFactory>(), options, Microsoft.Extensions.Logging.Abstractions.NullLogger<AnswerService>.Instance);
    }

    private static async Task<List<AnswerEvent>> Collect(IAsyncEnumerable<AnswerEvent> events)
    {
        var list = new List<AnswerEvent>();
        await foreach (var e in events) list.Add(e);
        return list;
    }

    private static ConversationQuestion Question(string text, string? conversation = null) =>
        new(new RetrievalRequest("tenant-a", ["kb-1"], text), new AnswerPolicy(Vertical.CustomerService, Strict: false) { KnowledgeBaseName = "support" })
        {
            ConversationId = conversation,
        };

    [Fact]
    public async Task A_follow_up_is_rewritten_from_the_conversation_before_retrieval()
    {
        var conversation = _conversations.Add("tenant-a", "kb-1",
            ("Do you sell the Sweep S2?", "Yes, the Sweep S2 is our robot vacuum [1]."));
        _index.Hits = [Hit("c1", Warranty, similarity: 0.9)];
        var chat = new ScriptedChatClient("How long is the warranty on the Sweep S2?", "The Sweep S2 has a 2-year warranty [1].");

        var events = await Collect(Service(chat).AskAsync(Question("How long is its warranty?", conversation), TestContext.Current.CancellationToken));

        var rewrite = chat.Calls[0];
        Assert.Contains("User: Do you sell the Sweep S2?\nAssistant: Yes, the Sweep S2 is our robot vacuum [1].", rewrite[0].Text, StringComparison.Ordinal);
        Assert.Equal("How long is its warranty?", rewrite[1].Text);
        Assert.Equal(["query: How long is the warranty on the Sweep S2?"], _embedder.Inputs);
        Assert.Equal(["How long is the warranty on the Sweep S2?"], _index.KeywordQueries);
        Assert.Equal("How long is the warranty on the Sweep S2?", chat.Calls[1][1].Text);
        var done = Assert.IsType<AnswerCompleted>(events[^1]);
        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Equal(conversation, done.ConversationId);
    }

    [Fact]
    public async Task The_retrieval_plugin_searches_only_the_askers_tenant_and_knowledge_base()
    {
        _index.Hits = [Hit("c1", Warranty, similarity: 0.9)];

        await Collect(Service(new ScriptedChatClient("Two years [1].")).AskAsync(Question("Warranty of the Sweep S2?"), TestContext.Current.CancellationToken));

        Assert.All(_index.Filters, f => Assert.Equal(("tenant-a", "kb-1"), (f.TenantId, Assert.Single(f.KnowledgeBaseIds))));
    }

    [Fact]
    public async Task A_first_question_is_not_rewritten_and_starts_a_stored_conversation()
    {
        _index.Hits = [Hit("c1", Warranty, similarity: 0.9)];
        var chat = new ScriptedChatClient("The Sweep S2 has a 2-year warranty [1].");

        var events = await Collect(Service(chat).AskAsync(Question("How long is the Sweep S2 warranty?"), TestContext.Current.CancellationToken));

        Assert.Single(chat.Calls);
        var done = Assert.IsType<AnswerCompleted>(events[^1]);
        var turn = Assert.Single(_conversations.Turns[done.ConversationId!]);
        Assert.Equal(("How long is the Sweep S2 warranty?", "The Sweep S2 has a 2-year warranty [1].", "Answered"), (turn.Question, turn.Answer, turn.Status));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reasoning_is_never_stored_in_the_conversation_turn(bool strict)
    {
        _index.Hits = [Hit("c1", Warranty, similarity: 0.9)];
        var chat = new ScriptedChatClient("<think>Maybe it is 5 years for members.</think>The Sweep S2 has a 2-year warranty [1].");

        var question = Question("How long is the Sweep S2 warranty?");
        var events = await Collect(Service(chat).AskAsync(question with { Policy = question.Policy with { Strict = strict } }, TestContext.Current.CancellationToken));

        var done = Assert.IsType<AnswerCompleted>(events[^1]);
        Assert.Equal("The Sweep S2 has a 2-year warranty [1].", Assert.Single(_conversations.Turns[done.ConversationId!]).Answer);
        Assert.Equal("The Sweep S2 has a 2-year warranty [1].", string.Concat(events.OfType<AnswerDelta>().Select(d => d.Text)));
    }

    [Fact]
    public async Task Evidence_below_the_relevance_floor_is_refused_without_asking_the_model()
    {
        _index.Hits = [Hit("c1", "Our office dog is called Biscuit.", similarity: 0.3)];
        var chat = new ScriptedChatClient("Biscuit guarantees it [1].");

        var events = await Collect(Service(chat).AskAsync(Question("What is the warranty on the Sweep S2?"), TestContext.Current.CancellationToken));

        Assert.Empty(chat.Calls);
        Assert.Equal(AnswerStatus.InsufficientEvidence, Assert.IsType<AnswerCompleted>(events[^1]).Status);
        Assert.Contains("connect you with a member of our support team", string.Concat(events.OfType<AnswerDelta>().Select(d => d.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_foreign_conversation_is_not_continued()
    {
        var foreign = _conversations.Add("tenant-b", "kb-1", ("Hi", "Hello"));

        await Assert.ThrowsAsync<ConversationNotFoundException>(() =>
            Collect(Service(new ScriptedChatClient("x")).AskAsync(Question("And then?", foreign), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public void The_rewriter_keeps_only_the_question_from_a_chatty_reply()
    {
        Assert.Equal("How long is the warranty on the Sweep S2?", QueryRewriter.Clean("Standalone question: \"How long is the warranty on the Sweep S2?\"\nHope this helps!"));
    }

    [Fact]
    public async Task A_question_whose_value_pulls_the_search_away_is_answered_from_what_is_found_without_the_value()
    {
        // The value draws the search to kidney passages; without it the search finds the drug's own row.
        _embedder.Vector = text => text.Contains("eGFR", StringComparison.Ordinal) ? [1, 0] : [0, 1];
        _index.HitsFor = vector => vector.Span[0] > 0
            ? [Hit("k1", "Chronic kidney disease stage G4 means an eGFR of 15 to 29 on two tests 90 days apart.", similarity: 0.3)]
            : [Hit("d1", "Lisinopril: 10 mg once daily. CrCl 10 to 30 mL/min: start 2.5 to 5 mg once daily.", similarity: 0.9)];
        var chat = new ScriptedChatClient("Start with 2.5 to 5 mg once daily [1].");

        var events = await Collect(Service(chat).AskAsync(Question("What is the lisinopril dose at eGFR 25?"), TestContext.Current.CancellationToken));

        Assert.Equal(["What is the lisinopril dose at eGFR 25?", "What is the lisinopril dose?"], _index.KeywordQueries);
        var prompt = string.Join('\n', Assert.Single(chat.Calls).Select(m => m.Text));
        Assert.Contains("What is the lisinopril dose at eGFR 25?", prompt, StringComparison.Ordinal);
        Assert.Contains("CrCl 10 to 30 mL/min", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("stage G4", prompt, StringComparison.Ordinal);
        Assert.Equal(AnswerStatus.Answered, Assert.IsType<AnswerCompleted>(events[^1]).Status);
    }

    [Fact]
    public async Task A_question_with_a_value_is_not_answered_when_the_evidence_without_it_does_not_answer_either()
    {
        _index.Hits = [Hit("k1", "Our office dog is called Biscuit.", similarity: 0.3)];
        var chat = new ScriptedChatClient("Biscuit says 5 mg [1].");

        var events = await Collect(Service(chat).AskAsync(Question("What is the tirzepatide dose at eGFR 25?"), TestContext.Current.CancellationToken));

        Assert.Equal(["What is the tirzepatide dose at eGFR 25?", "What is the tirzepatide dose?"], _index.KeywordQueries);
        Assert.Empty(chat.Calls);
        Assert.Equal(AnswerStatus.InsufficientEvidence, Assert.IsType<AnswerCompleted>(events[^1]).Status);
    }

    private static ChunkHit Hit(string id, string text, double similarity) =>
        new(new ChunkPayload(id, "tenant-a", "kb-1", "doc-" + id, "Warranty", "warranty.md", 0, text, "Warranty", null, 1, ChunkKind.Text), similarity);

    private sealed class RecordingIndex : IChunkIndex
    {
        public IReadOnlyList<ChunkHit> Hits { get; set; } = [];
        /// <summary>The hits for a query's vector, when they differ by query; else <see cref="Hits"/>.</summary>
        public Func<ReadOnlyMemory<float>, IReadOnlyList<ChunkHit>>? HitsFor { get; set; }
        public List<string> KeywordQueries { get; } = [];
        public List<ChunkFilter> Filters { get; } = [];

        public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken)
        {
            Filters.Add(filter);
            return Task.FromResult(HitsFor?.Invoke(vector) ?? Hits);
        }

        public Task<IReadOnlyDictionary<string, double>> DenseSimilaritiesAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, double>>((HitsFor?.Invoke(vector) ?? Hits).Where(h => chunkIds.Contains(h.Chunk.ChunkId)).ToDictionary(h => h.Chunk.ChunkId, h => h.Score));

        public Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken)
        {
            Filters.Add(filter);
            KeywordQueries.Add(query);
            return Task.FromResult<IReadOnlyList<ChunkHit>>([]);
        }

        public Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class RecordingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<string> Inputs { get; } = [];
        public Func<string, float[]> Vector { get; set; } = _ => [1, 0];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            Inputs.AddRange(list);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(text => new Embedding<float>(Vector(text)))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class MemoryConversations : IConversationStore
    {
        private readonly Dictionary<string, Conversation> _conversations = [];
        public Dictionary<string, List<ConversationTurn>> Turns { get; } = [];

        public string Add(string tenant, string kb, params (string Question, string Answer)[] turns)
        {
            var c = new Conversation { Id = Ids.New("conv"), TenantId = tenant, KnowledgeBaseId = kb };
            _conversations[c.Id] = c;
            Turns[c.Id] = turns.Select((t, i) => Turn(c, i + 1, t.Question, t.Answer, "Answered")).ToList();
            return c.Id;
        }

        private static ConversationTurn Turn(Conversation c, int ordinal, string question, string answer, string status) => new()
        {
            Id = Ids.New("turn"), ConversationId = c.Id, TenantId = c.TenantId, Ordinal = ordinal, Question = question,
            StandaloneQuestion = question, Answer = answer, Status = status,
        };

        public Task<Conversation?> FindAsync(string tenantId, string knowledgeBaseId, string conversationId, CancellationToken cancellationToken) =>
            Task.FromResult(_conversations.TryGetValue(conversationId, out var c) && c.TenantId == tenantId && c.KnowledgeBaseId == knowledgeBaseId ? c : null);

        public Task<IReadOnlyList<ConversationTurn>> RecentTurnsAsync(string tenantId, string conversationId, int maxTurns, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ConversationTurn>>(Turns[conversationId].TakeLast(maxTurns).ToList());

        public Task<Conversation> StartAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken) =>
            Task.FromResult(_conversations[Add(tenantId, knowledgeBaseId)]);

        public Task AppendAsync(string tenantId, string conversationId, string question, string standaloneQuestion, string answer, string status, CancellationToken cancellationToken)
        {
            Turns[conversationId].Add(Turn(_conversations[conversationId], Turns[conversationId].Count + 1, question, answer, status));
            return Task.CompletedTask;
        }
    }
}
