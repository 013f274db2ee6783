using System.Security.Cryptography;
using System.Text;
using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>API keys: "kp_" + 40 random hex characters; only the SHA-256 of the whole key is stored.</summary>
public static class ApiKeys
{
    public static string Generate() => "kp_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    /// <summary>Stores a key for the tenant; the caller shows the secret once and never again.</summary>
    public static ApiKey Create(string tenantId, string name, string secret) => new()
    {
        Id = Ids.New("key"),
        TenantId = tenantId,
        Name = name,
        Prefix = secret[..Math.Min(10, secret.Length)],
        Hash = Hash(secret),
    };

    /// <summary>The live key matching the secret, or null. Constant-time compare is unnecessary: lookup is by hash.</summary>
    public static Task<ApiKey?> FindApiKeyAsync(this KnowledgeDbContext db, string secret, CancellationToken cancellationToken)
    {
        var hash = Hash(secret);
        return db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, cancellationToken);
    }
}
