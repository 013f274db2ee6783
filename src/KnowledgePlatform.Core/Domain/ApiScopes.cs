namespace KnowledgePlatform.Core.Domain;

/// <summary>The scopes of API keys: read (list, search), ask, ingest (upload, delete documents), admin (everything else).</summary>
public static class ApiScopes
{
    public const string Read = "read";
    public const string Ask = "ask";
    public const string Ingest = "ingest";
    public const string Admin = "admin";

    /// <summary>
    /// Platform administration (publishing shared knowledge bases to tenants). Only keys of the platform
    /// tenant (Platform:TenantId) carry it; a tenant cannot grant it (it is not in <see cref="All"/>). Decision 0042.
    /// </summary>
    public const string Platform = "platform";

    public static IReadOnlyList<string> All { get; } = [Read, Ask, Ingest, Admin];
}
