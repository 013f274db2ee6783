using System.Text.Json;

namespace KnowledgePlatform.Server.Channels;

/// <summary>What a handoff webhook receives (POST, JSON).</summary>
public sealed record HandoffNotification(
    string Event, string HandoffId, string TenantId, string? KnowledgeBaseId, string? ConversationId, string? Contact, string? Message,
    JsonElement Transcript, DateTimeOffset CreatedAt);
