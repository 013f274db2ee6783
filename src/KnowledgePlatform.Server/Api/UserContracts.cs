using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Api;

/// <summary>The signed-in user (or key) as the portal shows it.</summary>
public sealed record MeDto(string Name, string TenantId, string Channel, string? Role, IReadOnlyList<string> Scopes, IReadOnlyList<string> Groups);

public sealed record TenantDto(string Id, string Name, string? PolicyTemplate);

/// <summary>A user as the users API shows it.</summary>
public sealed record UserDto(string Id, string Email, string? DisplayName, string TenantId, string Role, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt, bool LockedOut);

public sealed record CreateUserRequest(
    [property: Required] string Email, [property: Required] string Password, string Role, IReadOnlyList<string>? Groups = null, string? DisplayName = null, string? Tenant = null);

public sealed record UpdateUserRequest(string? Role = null, IReadOnlyList<string>? Groups = null, string? DisplayName = null, string? Password = null);
