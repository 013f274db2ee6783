namespace KnowledgePlatform.Server.Security;

public sealed class OpenIdConnectSettings
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The button's label on the sign-in page.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
