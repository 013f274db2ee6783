using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Demo;

public sealed class DemoTenant
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>A fixed, well-known key: for local demos only, never for a real deployment.</summary>
    public string ApiKey { get; set; } = "";
    public string KnowledgeBase { get; set; } = "";
    public Vertical Vertical { get; set; }
    public string Folder { get; set; } = "";
    /// <summary>The policy template attached to the tenant.</summary>
    public string? Policy { get; set; }
    /// <summary>A well-known portal user (tenant admin) for local demos; none when empty.</summary>
    public string? UserEmail { get; set; }
    public string? UserPassword { get; set; }

    /// <summary>A fixed widget key for the demo site (samples/customer-service-site); none when empty.</summary>
    public string? WidgetKey { get; set; }

    /// <summary>The origins pages with the demo widget key may be served from.</summary>
    public List<string> WidgetOrigins { get; set; } = [];
}
