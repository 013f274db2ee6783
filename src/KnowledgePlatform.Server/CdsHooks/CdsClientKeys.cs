using KnowledgePlatform.Core.Domain;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// The public keys of a registered EHR client: its JWK Set as registered, or fetched from its registered URL and kept for
/// CdsHooks:JwksCacheDuration (by URL: the keys are public and the same for every caller). Private key members in a
/// registered set are refused when it is registered, never used.
/// </summary>
public sealed class CdsClientKeys(IHttpClientFactory clients, IMemoryCache cache, IOptions<CdsHooksOptions> options, ILogger<CdsClientKeys> logger)
{
    public const string ClientName = "cds-hooks-jwks";

    public async Task<IReadOnlyList<SecurityKey>> GetAsync(CdsClient client, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(client.Jwks)) return Parse(client.Jwks);
        if (string.IsNullOrWhiteSpace(client.JwksUrl)) return [];
        var key = "cds-jwks:" + client.JwksUrl;
        if (cache.TryGetValue(key, out IReadOnlyList<SecurityKey>? keys) && keys is not null) return keys;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var json = await clients.CreateClient(ClientName).GetStringAsync(client.JwksUrl, timeout.Token);
            keys = Parse(json);
            cache.Set(key, keys, options.Value.JwksCacheDuration);
            return keys;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ArgumentException or InvalidOperationException)
        {
            logger.LogWarning("The JWK Set of CDS client {Client} could not be read from {Url}: {Error}", client.Id, client.JwksUrl, ex.Message);
            return [];
        }
    }

    public static IReadOnlyList<SecurityKey> Parse(string jwks) => new JsonWebKeySet(jwks).GetSigningKeys().ToList();

    /// <summary>Why a JWK Set cannot be registered, or null: it must parse, hold at least one public key, and no private one.</summary>
    public static string? Problem(string jwks)
    {
        try
        {
            var set = new JsonWebKeySet(jwks);
            if (set.Keys.Count == 0) return "The JWK Set holds no keys.";
            if (set.Keys.Any(k => k.HasPrivateKey)) return "The JWK Set holds a private key; register the public keys only.";
            if (set.Keys.Any(k => k.Kty == JsonWebAlgorithmsKeyTypes.Octet)) return "Symmetric keys are not allowed (CDS Hooks requires asymmetric signatures).";
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"The JWK Set is not valid: {ex.Message}";
        }
    }
}
