using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Conversations;

/// <summary>Conversations in the metadata database (SQLite in memory): tenant scoping and the retention limits.</summary>
public sealed class ConversationStoreTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly KnowledgeDbContext _db;
    private readonly ManualClock _clock = new();
    private readonly EfConversationStore _store;

    public ConversationStoreTests()
    {
        _connection.Open();
        _db = new SqliteKnowledgeDbContext(new DbContextOptionsBuilder<SqliteKnowledgeDbContext>().UseSqlite(_connection).Options);
        _db.Database.EnsureCreated();
        foreach (var tenant in new[] { "acme", "globex" })
        {
            _db.Tenants.Add(new Tenant { Id = tenant, Name = tenant });
            _db.KnowledgeBases.Add(new KnowledgeBase { Id = "kb-" + tenant, TenantId = tenant, Name = "support", EmbeddingModel = "m", EmbeddingDimension = 2 });
        }
        _db.SaveChanges();
        _store = new EfConversationStore(_db, _clock, Options.Create(new ConversationOptions { Retention = TimeSpan.FromDays(1), MaxTurns = 2 }));
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
    }

    private Task Append(string conversation, string question) => _store.AppendAsync("acme", conversation, question, question, "answer", "Answered", _ct);

    [Fact]
    public async Task A_conversation_keeps_its_last_turns_in_order()
    {
        var c = await _store.StartAsync("acme", "kb-acme", _ct);
        await Append(c.Id, "one");
        await Append(c.Id, "two");
        await Append(c.Id, "three");

        var turns = await _store.RecentTurnsAsync("acme", c.Id, 10, _ct);

        Assert.Equal(["two", "three"], turns.Select(t => t.Question));
        Assert.Equal(2, await _db.ConversationTurns.CountAsync(_ct));
    }

    [Fact]
    public async Task Idle_conversations_expire_and_are_deleted_when_the_tenant_writes_again()
    {
        var idle = await _store.StartAsync("acme", "kb-acme", _ct);
        await Append(idle.Id, "old question");
        var other = await _store.StartAsync("globex", "kb-globex", _ct);
        var active = await _store.StartAsync("acme", "kb-acme", _ct);

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Null(await _store.FindAsync("acme", "kb-acme", idle.Id, _ct));
        await Append(active.Id, "new question");

        Assert.False(await _db.Conversations.AnyAsync(c => c.Id == idle.Id, _ct));
        Assert.False(await _db.ConversationTurns.AnyAsync(t => t.ConversationId == idle.Id, _ct));
        Assert.NotNull(await _store.FindAsync("acme", "kb-acme", active.Id, _ct));
        Assert.True(await _db.Conversations.AnyAsync(c => c.Id == other.Id, _ct), "another tenant's conversations are its own business");
    }

    [Fact]
    public async Task Another_tenant_or_knowledge_base_does_not_find_a_conversation()
    {
        var c = await _store.StartAsync("acme", "kb-acme", _ct);

        Assert.Null(await _store.FindAsync("globex", "kb-acme", c.Id, _ct));
        Assert.Null(await _store.FindAsync("acme", "kb-globex", c.Id, _ct));
        Assert.Empty(await _store.RecentTurnsAsync("globex", c.Id, 10, _ct));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
