using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;

namespace KnowledgePlatform.Server.Api;

public sealed record CreateApiKeyRequest(
    string Name, IReadOnlyList<string>? Scopes = null, IReadOnlyList<string>? KnowledgeBases = null, DateTimeOffset? ExpiresAt = null,
    ApiKeyKind Kind = ApiKeyKind.Server, IReadOnlyList<string>? AllowedOrigins = null, IReadOnlyList<string>? Groups = null);

public sealed record ApiKeyDto(
    string Id, string Name, string Prefix, ApiKeyKind Kind, IReadOnlyList<string> Scopes, IReadOnlyList<string>? KnowledgeBaseIds,
    IReadOnlyList<string>? AllowedOrigins, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    /// <summary>The access groups the key holds (decision 0040).</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    public static ApiKeyDto From(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Kind, k.Scopes, k.KnowledgeBaseIds, k.AllowedOrigins, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt) { Groups = k.Groups };
}

/// <summary>A null field is left as it is. Allowed origins apply to widget keys only.</summary>
public sealed record UpdateApiKeyRequest(string? Name = null, IReadOnlyList<string>? AllowedOrigins = null);

/// <summary>The only time the secret is shown.</summary>
public sealed record CreatedApiKeyDto(ApiKeyDto Key, string Secret);

public sealed record PolicyDto(string? Template, PolicyOverrides? Overrides, SecurityPolicy Effective);

public sealed record UpdatePolicyRequest(string? Template, PolicyOverrides? Overrides);

/// <summary>A knowledge base's tightening of the tenant's policy (decision 0054): the tenant's policy, its overrides, and the result.</summary>
public sealed record KnowledgeBasePolicyDto(string KnowledgeBaseId, PolicyOverrides? Overrides, SecurityPolicy Tenant, SecurityPolicy Effective);
