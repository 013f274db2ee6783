using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>Stored conversations, per tenant, kept for a limited time. Every call carries the tenant.</summary>
public interface IConversationStore
{
    /// <summary>The conversation when it exists for this tenant and knowledge base (and has not expired); otherwise null.</summary>
    Task<Conversation?> FindAsync(string tenantId, string knowledgeBaseId, string conversationId, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="maxTurns"/> turns, oldest first.</summary>
    Task<IReadOnlyList<ConversationTurn>> RecentTurnsAsync(string tenantId, string conversationId, int maxTurns, CancellationToken cancellationToken);

    /// <summary>Creates an empty conversation.</summary>
    Task<Conversation> StartAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken);

    /// <summary>Appends a turn and applies the retention limits.</summary>
    Task AppendAsync(string tenantId, string conversationId, string question, string standaloneQuestion, string answer, string status, CancellationToken cancellationToken);
}
