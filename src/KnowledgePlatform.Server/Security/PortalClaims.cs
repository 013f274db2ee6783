namespace KnowledgePlatform.Server.Security;

/// <summary>What portal users add to the claims of API keys (groups and the platform scope are the API keys' own).</summary>
public static class PortalClaims
{
    /// <summary>The channel portal requests are audited under.</summary>
    public const string PortalChannel = "portal";
}
