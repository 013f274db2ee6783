using System.Security.Cryptography;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// The knowledge base's content version (decision 0093): one string that changes with every change that can change an
/// answer, so an answer given with a version can be reproduced while the version stands. It hashes the knowledge base's
/// <see cref="KnowledgeBase.ContentRevision"/> (bumped by every change to what is searchable) with the settings and
/// policies read at the time of asking: strict mode, retrieval and fusion settings, the fusion and evidence gate calibrations,
/// chunking, embedding model, the knowledge base's policy and its tenant's.
/// </summary>
public static class KnowledgeBaseVersion
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records a change to what the knowledge base can answer from.</summary>
    public static Task BumpAsync(KnowledgeDbContext db, string knowledgeBaseId, CancellationToken ct) =>
        db.KnowledgeBases.Where(k => k.Id == knowledgeBaseId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ContentRevision, k => k.ContentRevision + 1), ct);

    /// <summary>Records a change to the knowledge base the document belongs to.</summary>
    public static Task BumpForDocumentAsync(KnowledgeDbContext db, string documentId, CancellationToken ct) =>
        db.KnowledgeBases.Where(k => db.Documents.Any(d => d.Id == documentId && d.KnowledgeBaseId == k.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ContentRevision, k => k.ContentRevision + 1), ct);

    /// <summary>The knowledge base's content version now: <c>kbv_</c> and 16 hex digits.</summary>
    public static async Task<string> OfAsync(KnowledgeDbContext db, KnowledgeBase kb, CancellationToken ct)
    {
        var current = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == kb.Id && k.TenantId == kb.TenantId, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == kb.TenantId, ct);
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new
        {
            current.Id,
            current.ContentRevision,
            current.Strict,
            current.Vertical,
            current.EmbeddingModel,
            current.EmbeddingDimension,
            current.Chunking,
            current.Retrieval,
            current.EvidenceGate,
            current.Fusion,
            KnowledgeBasePolicy = current.PolicyOverrides,
            TenantPolicy = tenant.PolicyTemplate,
            TenantOverrides = tenant.PolicyOverrides,
        }, Json);
        return "kbv_" + Convert.ToHexStringLower(SHA256.HashData(canonical))[..16];
    }
}
