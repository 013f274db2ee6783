using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Security;

/// <summary>The roles of portal users, and the scopes each role grants (the same scopes API keys carry).</summary>
public static class PortalRoles
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Curator = "curator";
    public const string Viewer = "viewer";

    /// <summary>Strongest first.</summary>
    public static IReadOnlyList<string> All { get; } = [PlatformAdmin, TenantAdmin, Curator, Viewer];

    public static IReadOnlyList<string> Scopes(string role) => role switch
    {
        PlatformAdmin => [ApiScopes.Read, ApiScopes.Ask, ApiScopes.Ingest, ApiScopes.Admin, ApiScopes.Platform],
        TenantAdmin => [ApiScopes.Read, ApiScopes.Ask, ApiScopes.Ingest, ApiScopes.Admin],
        Curator => [ApiScopes.Read, ApiScopes.Ask, ApiScopes.Ingest],
        Viewer => [ApiScopes.Read, ApiScopes.Ask],
        _ => [],
    };

    /// <summary>The strongest of a user's roles (a user normally has exactly one).</summary>
    public static string Effective(IEnumerable<string> roles)
    {
        var held = roles.ToHashSet(StringComparer.Ordinal);
        return All.FirstOrDefault(held.Contains) ?? Viewer;
    }
}
