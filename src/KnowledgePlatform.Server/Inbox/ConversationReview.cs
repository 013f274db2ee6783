using System.Text.Json;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api.Inbox;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Inbox;

/// <summary>Conversations as curators read them: the turns with their citations, and the answer's channel and citations stamped on its turn.</summary>
public static class ConversationReview
{
    /// <summary>The conversation's turns up to <paramref name="upTo"/> (all when null), oldest first; none when it is gone.</summary>
    public static async Task<List<ReviewTurnDto>> TurnsAsync(KnowledgeDbContext db, string tenant, string? conversationId, int? upTo, CancellationToken ct)
    {
        if (conversationId is null) return [];
        var turns = await db.ConversationTurns.AsNoTracking()
            .Where(t => t.ConversationId == conversationId && t.TenantId == tenant && (upTo == null || t.Ordinal <= upTo))
            .OrderBy(t => t.Ordinal).ToListAsync(ct);
        return turns.Select(t => new ReviewTurnDto(t.Ordinal, t.Question, t.Answer, t.Status,
            t.Citations is null ? [] : JsonSerializer.Deserialize<List<ReviewCitation>>(t.Citations, JsonSerializerOptions.Web)!, t.CreatedAt)).ToList();
    }

    /// <summary>After an answer: the conversation's channel (set once) and the turn's citations, for review.</summary>
    public static async Task StampAsync(KnowledgeDbContext db, string tenant, string conversationId, string channel, IReadOnlyList<Rag.Answering.Citation> citations, CancellationToken ct)
    {
        await db.Conversations.Where(c => c.Id == conversationId && c.TenantId == tenant && c.Channel == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Channel, channel), ct);
        var last = await db.ConversationTurns.Where(t => t.ConversationId == conversationId && t.TenantId == tenant).MaxAsync(t => (int?)t.Ordinal, ct);
        if (last is null || citations.Count == 0) return;
        var json = JsonSerializer.Serialize(citations.Select(c => new ReviewCitation(c.Number, c.DocumentId, c.ChunkId, c.DocumentTitle, c.FileName, c.Location, c.Page, c.Quote)), JsonSerializerOptions.Web);
        await db.ConversationTurns.Where(t => t.ConversationId == conversationId && t.TenantId == tenant && t.Ordinal == last)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Citations, json), ct);
    }
}
