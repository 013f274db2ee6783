namespace KnowledgePlatform.Server.Security;

public sealed class PortalAdminOptions
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    /// <summary>The platform admin's home tenant (created when missing).</summary>
    public string Tenant { get; set; } = "platform";
}
