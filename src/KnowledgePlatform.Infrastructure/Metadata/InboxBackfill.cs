namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// When the inbox arrives (migration AddCuratorInboxAndConversationReview), the handoffs and "not helpful" feedback
/// already recorded become its items, so nothing a visitor sent before the upgrade drops out of sight. The same SQL
/// serves SQLite and PostgreSQL; only the literal for false differs.
/// </summary>
internal static class InboxBackfill
{
    public static string Sql(string falseLiteral) => $"""
        INSERT INTO "InboxItems" ("Id", "TenantId", "Kind", "Status", "KnowledgeBaseId", "Question", "Examples", "Count", "OffTopic",
            "Channel", "ConversationId", "SourceId", "CreatedAt", "LastSeenAt", "UpdatedAt")
        SELECT 'inbox_' || h."Id", h."TenantId", 'Handoff', 'Open',
            CASE WHEN EXISTS (SELECT 1 FROM "KnowledgeBases" k WHERE k."Id" = h."KnowledgeBaseId") THEN h."KnowledgeBaseId" END,
            COALESCE(h."Message", 'Asked for a person'), '[]', 1, {falseLiteral}, h."Channel", h."ConversationId", h."Id", h."CreatedAt", h."CreatedAt", h."CreatedAt"
        FROM "Handoffs" h;
        INSERT INTO "InboxItems" ("Id", "TenantId", "Kind", "Status", "KnowledgeBaseId", "Question", "Examples", "Count", "OffTopic",
            "Channel", "ConversationId", "TurnOrdinal", "SourceId", "CreatedAt", "LastSeenAt", "UpdatedAt")
        SELECT 'inbox_' || f."Id", f."TenantId", 'Feedback', 'Open',
            CASE WHEN EXISTS (SELECT 1 FROM "KnowledgeBases" k WHERE k."Id" = f."KnowledgeBaseId") THEN f."KnowledgeBaseId" END,
            COALESCE((SELECT t."Question" FROM "ConversationTurns" t WHERE t."ConversationId" = f."ConversationId" ORDER BY t."Ordinal" DESC LIMIT 1),
                f."Comment", 'Not helpful (no conversation given)'),
            '[]', 1, {falseLiteral}, f."Channel", f."ConversationId",
            (SELECT MAX(t."Ordinal") FROM "ConversationTurns" t WHERE t."ConversationId" = f."ConversationId"),
            f."Id", f."CreatedAt", f."CreatedAt", f."CreatedAt"
        FROM "Feedback" f WHERE f."Rating" < 0;
        """;
}
