using System.Security.Cryptography;

namespace KnowledgePlatform.Core.Domain;

/// <summary>Opaque, URL-safe identifiers with a readable prefix (kb_, doc_, ...).</summary>
public static class Ids
{
    public static string New(string prefix) =>
        $"{prefix}_{Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant()}";
}
