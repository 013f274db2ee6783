using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using Microsoft.AspNetCore.Authentication;

namespace KnowledgePlatform.Server.Security;

public static class ApiKeyAuthenticationExtensions
{
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(CredentialScheme.Name)
            .AddPolicyScheme(CredentialScheme.Name, "API key or portal sign-in", o => o.ForwardDefaultSelector = CredentialScheme.Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddDefaultPolicy("api", p => p.AddAuthenticationSchemes(CredentialScheme.Name).RequireClaim(ApiKeyAuthenticationHandler.TenantClaim));
        // One policy per scope, named like it: .RequireAuthorization(ApiScopes.Ingest).
        builder.AddPlatformAdministration();
        foreach (var scope in ApiScopes.All.Append(ApiScopes.Platform))
            authorization.AddPolicy(scope, p => p.AddAuthenticationSchemes(CredentialScheme.Name)
                .RequireClaim(ApiKeyAuthenticationHandler.TenantClaim)
                .RequireClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope));
        return builder;
    }

    /// <summary>Whether the credential may reach this knowledge base (keys can be limited to some).</summary>
    public static bool CanReach(this ClaimsPrincipal user, string knowledgeBaseId)
    {
        var allowed = user.FindAll(ApiKeyAuthenticationHandler.KnowledgeBaseClaim).Select(c => c.Value).ToList();
        return allowed.Count == 0 || allowed.Contains(knowledgeBaseId);
    }

    /// <summary>The access groups the principal holds (claims kp:group).</summary>
    public static IReadOnlyList<string> Groups(this ClaimsPrincipal user) =>
        user.FindAll(ApiKeyAuthenticationHandler.GroupClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The group restriction for what the principal may see (decision 0040): null (everything) with the
    /// admin scope, otherwise its groups: ungrouped documents and documents sharing one of them.
    /// </summary>
    public static IReadOnlyList<string>? VisibleGroups(this ClaimsPrincipal user) =>
        user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Admin) ? null : user.Groups();

    /// <summary>Whether the principal may see a document: its groups are its tenant's, so on a document shared by another tenant only an ungrouped one.</summary>
    public static bool CanSee(this ClaimsPrincipal user, Document document) =>
        AccessGroups.CanSee(document.Groups, document.TenantId == user.TenantId() ? user.VisibleGroups() : []);

    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue(ApiKeyAuthenticationHandler.KeyClaim) ?? "unknown";

    public static string Channel(this ClaimsPrincipal user) => user.FindFirstValue(ApiKeyAuthenticationHandler.ChannelClaim) ?? "api";

    /// <summary>The tenant of an authenticated request.</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim) ?? throw new InvalidOperationException("The request is not authenticated.");
}
