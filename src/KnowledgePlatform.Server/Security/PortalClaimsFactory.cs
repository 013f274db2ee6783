using System.Security.Claims;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>The claims of a signed-in user: the same kinds an API key gets, scopes from the role.</summary>
public sealed class PortalClaimsFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var role = PortalRoles.Effective(await UserManager.GetRolesAsync(user));
        var tenant = role == PortalRoles.PlatformAdmin ? user.ActiveTenantId ?? user.TenantId : user.TenantId;
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.TenantClaim, tenant));
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.KeyClaim, "user:" + user.Id));
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.ChannelClaim, PortalClaims.PortalChannel));
        identity.AddClaim(new Claim(ClaimTypes.Role, role));
        if (user.DisplayName is { Length: > 0 } display) identity.AddClaim(new Claim("kp:display-name", display));
        identity.AddClaims(PortalRoles.Scopes(role).Select(s => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, s)));
        identity.AddClaims(user.Groups.Select(g => new Claim(ApiKeyAuthenticationHandler.GroupClaim, g)));
        return identity;
    }
}
