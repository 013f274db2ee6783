namespace KnowledgePlatform.Server.Portal;

/// <summary>An API error as the portal shows it: the Problem Details' detail and code.</summary>
public sealed class PortalApiException(int status, string? code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string? Code { get; } = code;
}
