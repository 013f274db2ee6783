using System.Numerics.Tensors;
using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Inbox;

/// <summary>
/// Puts what visitors could not get into the tenant's inbox: an unanswered question joins the open group whose question
/// means the same (embedded with the knowledge base's model) or starts one; a "not helpful" and a handoff are an item each.
/// Questions from the portal's own tests (a signed-in curator) are not visitors' and stay out.
/// </summary>
public sealed class InboxRecorder(KnowledgeDbContext db, EmbeddingModelRegistry models, PolicyEnforcer enforcer, IOptions<InboxOptions> options, TimeProvider clock)
{
    public static bool IsCurator(ClaimsPrincipal user) => user.Actor().StartsWith("user:", StringComparison.Ordinal);

    /// <summary>Records an answer that did not answer (insufficient evidence or ungrounded); refusals by policy are deliberate and left out.</summary>
    public async Task RecordUnansweredAsync(ClaimsPrincipal user, string knowledgeBaseId, string question, AnswerCompleted done, SecurityPolicy policy, CancellationToken ct)
    {
        if (done.Status is AnswerStatus.Answered or AnswerStatus.RefusedByPolicy || IsCurator(user)) return;
        var tenant = user.TenantId();
        // Only the tenant's own knowledge bases: a shared one is curated by the platform, not here.
        var kb = await db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.Id == knowledgeBaseId && k.TenantId == tenant, ct);
        if (kb is null || !models.Contains(kb.EmbeddingModel)) return;
        var turn = done.ConversationId is null ? null : await db.ConversationTurns.AsNoTracking()
            .Where(t => t.ConversationId == done.ConversationId && t.TenantId == tenant).OrderByDescending(t => t.Ordinal).FirstOrDefaultAsync(ct);
        var asked = enforcer.Redact(policy, question.Trim(), new PolicyActions());
        var standalone = turn is null ? asked : enforcer.Redact(policy, turn.StandaloneQuestion.Trim(), new PolicyActions());
        var vector = (await models.Get(kb.EmbeddingModel).Generator.GenerateAsync([standalone], cancellationToken: ct))[0].Vector.ToArray();
        var now = clock.GetUtcNow();

        var candidates = await db.InboxItems.Where(i => i.TenantId == tenant && i.Kind == InboxItemKind.Unanswered && i.KnowledgeBaseId == kb.Id
                && i.EmbeddingModel == kb.EmbeddingModel && i.Status != InboxItemStatus.Done)
            .OrderByDescending(i => i.LastSeenAt).Take(500).ToListAsync(ct);
        var best = candidates.Select(i => (Item: i, Similarity: Similarity(vector, i.Embedding!))).OrderByDescending(c => c.Similarity).FirstOrDefault();
        if (best.Item is { } group && best.Similarity >= options.Value.GroupSimilarity)
        {
            group.Count++;
            group.LastSeenAt = now;
            (group.ConversationId, group.TurnOrdinal, group.Channel) = (done.ConversationId, turn?.Ordinal, user.Channel());
            if (!string.Equals(asked, group.Question, StringComparison.OrdinalIgnoreCase) && !group.Examples.Contains(asked, StringComparer.OrdinalIgnoreCase))
                group.Examples = [asked, .. group.Examples.Take(options.Value.ExamplesPerGroup - 1)];
        }
        else
        {
            db.InboxItems.Add(new InboxItem
            {
                Id = Ids.New("inbox"), TenantId = tenant, Kind = InboxItemKind.Unanswered, KnowledgeBaseId = kb.Id, Question = standalone,
                Examples = asked == standalone ? [] : [asked], Channel = user.Channel(), ConversationId = done.ConversationId, TurnOrdinal = turn?.Ordinal,
                OffTopic = done.EvidenceConfidence is { } confidence && confidence < options.Value.OffTopicBelow,
                Embedding = Chunk.ToBytes(vector), EmbeddingModel = kb.EmbeddingModel, CreatedAt = now, LastSeenAt = now, UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static double Similarity(float[] vector, byte[] stored)
    {
        var other = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(stored);
        return other.Length == vector.Length ? TensorPrimitives.CosineSimilarity(vector, other) : 0;
    }

    /// <summary>Adds the item of a "not helpful" to the context (saved with the feedback): the conversation's latest question.</summary>
    public async Task AddFeedbackAsync(AnswerFeedback feedback, SecurityPolicy policy, CancellationToken ct)
    {
        var turn = await LatestTurnAsync(feedback.TenantId, feedback.ConversationId, ct);
        var question = turn?.Question ?? feedback.Comment ?? "Not helpful (no conversation given)";
        Add(InboxItemKind.Feedback, feedback.TenantId, feedback.Id, feedback.KnowledgeBaseId, enforcer.Redact(policy, question, new PolicyActions()),
            feedback.Channel, feedback.ConversationId, turn?.Ordinal, feedback.CreatedAt);
    }

    /// <summary>Adds the item of a handoff to the context (saved with the handoff).</summary>
    public async Task AddHandoffAsync(Handoff handoff, CancellationToken ct)
    {
        var turn = await LatestTurnAsync(handoff.TenantId, handoff.ConversationId, ct);
        Add(InboxItemKind.Handoff, handoff.TenantId, handoff.Id, handoff.KnowledgeBaseId, handoff.Message ?? turn?.Question ?? "Asked for a person",
            handoff.Channel, handoff.ConversationId, turn?.Ordinal, handoff.CreatedAt);
    }

    private Task<ConversationTurn?> LatestTurnAsync(string tenant, string? conversationId, CancellationToken ct) =>
        conversationId is null ? Task.FromResult<ConversationTurn?>(null)
        : db.ConversationTurns.AsNoTracking().Where(t => t.ConversationId == conversationId && t.TenantId == tenant).OrderByDescending(t => t.Ordinal).FirstOrDefaultAsync(ct);

    private void Add(InboxItemKind kind, string tenant, string sourceId, string? kb, string question, string channel, string? conversationId, int? turn, DateTimeOffset at) =>
        db.InboxItems.Add(new InboxItem
        {
            Id = Ids.New("inbox"), TenantId = tenant, Kind = kind, SourceId = sourceId, KnowledgeBaseId = kb, Question = question.Length > 4000 ? question[..4000] : question,
            Channel = channel, ConversationId = conversationId, TurnOrdinal = turn, CreatedAt = at, LastSeenAt = at, UpdatedAt = at,
        });
}
