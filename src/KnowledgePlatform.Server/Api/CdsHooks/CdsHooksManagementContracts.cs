using System.Text.Json;

namespace KnowledgePlatform.Server.Api.CdsHooks;

public sealed record CdsServiceDto(string Id, string ServiceId, string Hook, string KnowledgeBaseId, string Title, string Description, bool Enabled, DateTimeOffset CreatedAt);

public sealed record CreateCdsServiceRequest(string KnowledgeBase, string Hook, string? ServiceId = null, string? Title = null, string? Description = null);

public sealed record UpdateCdsServiceRequest(bool? Enabled = null, string? Title = null, string? Description = null);

public sealed record CdsClientDto(string Id, string Name, string Issuer, string? ClientId, string? JwksUrl, bool HasJwks, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

public sealed record CreateCdsClientRequest(string Name, string Issuer, string? ClientId = null, string? JwksUrl = null, JsonElement? Jwks = null);

public sealed record CdsInvocationDto(string Id, string ServiceId, string Hook, string HookInstance, string Actor, DateTimeOffset At, int CardCount, JsonElement Cards, string? Notes, int DurationMs);
