using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Audit;

/// <summary>
/// Names people recognise for the actors the audit log and documents record: a portal user's e-mail (or display name),
/// an API key's name, an EHR's name, a single sign-on subject. An actor that no longer exists keeps a readable label.
/// </summary>
public static class ActorNames
{
    public const string UserPrefix = "user:";
    private const string TokenPrefix = "oidc:";

    /// <summary>The display name of each of <paramref name="actors"/>, looked up in the caller's tenant (users by id: a platform admin works in other tenants too).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ResolveAsync(KnowledgeDbContext db, string tenantId, IEnumerable<string?> actors, CancellationToken ct)
    {
        var ids = actors.OfType<string>().Where(a => a.Length > 0).Distinct().ToList();
        var userIds = ids.Where(a => a.StartsWith(UserPrefix, StringComparison.Ordinal)).Select(a => a[UserPrefix.Length..]).ToList();
        var others = ids.Where(a => !a.Contains(':', StringComparison.Ordinal)).ToList();
        var users = userIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.Email ?? u.DisplayName ?? u.UserName }).ToListAsync(ct);
        var keys = others.Count == 0 ? [] : await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId && others.Contains(k.Id))
            .Select(k => new { k.Id, k.Name, k.Kind }).ToListAsync(ct);
        var clients = others.Count == 0 ? [] : await db.CdsClients.AsNoTracking().Where(c => c.TenantId == tenantId && others.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToListAsync(ct);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            names[id] = id switch
            {
                _ when id.StartsWith(UserPrefix, StringComparison.Ordinal) =>
                    users.FirstOrDefault(u => u.Id == id[UserPrefix.Length..])?.Name ?? "a deleted user",
                _ when id.StartsWith(TokenPrefix, StringComparison.Ordinal) => $"single sign-on {id[TokenPrefix.Length..]}",
                _ when keys.FirstOrDefault(k => k.Id == id) is { } key => $"{(key.Kind == Core.Domain.ApiKeyKind.Widget ? "widget key" : "API key")} “{key.Name}”",
                _ when clients.FirstOrDefault(c => c.Id == id) is { } client => $"EHR “{client.Name}”",
                "unknown" => "unknown",
                _ => "a deleted key",
            };
        }
        return names;
    }
}
