using System.Security.Claims;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;

namespace KnowledgePlatform.Server.Audit;

/// <summary>Appends to the tenant's audit log. Callers pass content already redacted per the tenant's policy.</summary>
public sealed class AuditLog(KnowledgeDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(ClaimsPrincipal user, string action, string? subject, object? detail, CancellationToken ct)
    {
        db.AuditRecords.Add(new AuditRecord
        {
            Id = Ids.New("aud"),
            TenantId = user.TenantId(),
            At = clock.GetUtcNow(),
            Actor = user.Actor(),
            Channel = user.Channel(),
            Action = action,
            Subject = subject,
            Detail = detail is null ? null : JsonSerializer.Serialize(detail, Json),
        });
        await db.SaveChangesAsync(ct);
    }
}
