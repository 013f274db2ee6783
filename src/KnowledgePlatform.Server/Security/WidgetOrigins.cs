using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Security;

/// <summary>The web origins (scheme://host[:port]) a widget key may be used from.</summary>
public static class WidgetOrigins
{
    public static bool Allows(ApiKey key, string origin) =>
        origin.Length > 0 && key.AllowedOrigins is { } allowed && allowed.Contains(Normalise(origin), StringComparer.OrdinalIgnoreCase);

    public static string Normalise(string origin) => origin.Trim().TrimEnd('/');
}
