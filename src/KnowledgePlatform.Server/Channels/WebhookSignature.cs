using System.Security.Cryptography;
using System.Text;

namespace KnowledgePlatform.Server.Channels;

/// <summary>The headers that sign a webhook (the Standard Webhooks scheme): id, timestamp and signature.</summary>
public sealed record WebhookSignature(string Id, long Timestamp, string Signature)
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>"v1," and the base64 HMAC-SHA256, keyed with the secret's bytes, of "{id}.{timestamp}.{body}".</summary>
    public static WebhookSignature Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body.ToArray()).ToArray();
        return new WebhookSignature(id, timestamp, "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), signed)));
    }

    /// <summary>What a receiver checks: one of the space-separated signatures matches, and the timestamp is within the tolerance.</summary>
    public static bool Verify(string secret, string id, string timestamp, string signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, out var seconds) || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, seconds, body).Signature);
        return signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] KeyOf(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
}
