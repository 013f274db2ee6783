using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Conversations in the metadata database; retention is applied to the tenant on every append.</summary>
public sealed class EfConversationStore(KnowledgeDbContext db, TimeProvider clock, IOptions<ConversationOptions> options) : IConversationStore
{
    public async Task<Conversation?> FindAsync(string tenantId, string knowledgeBaseId, string conversationId, CancellationToken cancellationToken)
    {
        var oldest = clock.GetUtcNow() - options.Value.Retention;
        var conversation = await db.Conversations.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == conversationId && c.TenantId == tenantId && c.KnowledgeBaseId == knowledgeBaseId, cancellationToken);
        return conversation is not null && conversation.UpdatedAt >= oldest ? conversation : null;
    }

    public async Task<IReadOnlyList<ConversationTurn>> RecentTurnsAsync(string tenantId, string conversationId, int maxTurns, CancellationToken cancellationToken)
    {
        var turns = await db.ConversationTurns.AsNoTracking()
            .Where(t => t.ConversationId == conversationId && t.TenantId == tenantId)
            .OrderByDescending(t => t.Ordinal).Take(maxTurns).ToListAsync(cancellationToken);
        turns.Reverse();
        return turns;
    }

    public async Task<Conversation> StartAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var conversation = new Conversation { Id = Ids.New("conv"), TenantId = tenantId, KnowledgeBaseId = knowledgeBaseId, CreatedAt = now, UpdatedAt = now };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return conversation;
    }

    public async Task AppendAsync(string tenantId, string conversationId, string question, string standaloneQuestion, string answer, string status, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        var last = await db.ConversationTurns.Where(t => t.ConversationId == conversationId && t.TenantId == tenantId)
            .MaxAsync(t => (int?)t.Ordinal, cancellationToken) ?? 0;
        db.ConversationTurns.Add(new ConversationTurn
        {
            Id = Ids.New("turn"), ConversationId = conversationId, TenantId = tenantId, Ordinal = last + 1,
            Question = question, StandaloneQuestion = standaloneQuestion, Answer = answer, Status = status, CreatedAt = now,
        });
        await db.Conversations.Where(c => c.Id == conversationId && c.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        // Retention: the tenant's idle conversations go (turns cascade), and this one keeps its last MaxTurns.
        var oldest = now - o.Retention;
        await db.Conversations.Where(c => c.TenantId == tenantId && c.UpdatedAt < oldest).ExecuteDeleteAsync(cancellationToken);
        var dropUpTo = last + 1 - o.MaxTurns;
        if (dropUpTo > 0)
            await db.ConversationTurns.Where(t => t.ConversationId == conversationId && t.TenantId == tenantId && t.Ordinal <= dropUpTo)
                .ExecuteDeleteAsync(cancellationToken);
    }
}
