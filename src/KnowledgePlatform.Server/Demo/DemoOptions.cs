namespace KnowledgePlatform.Server.Demo;

/// <summary>Configuration section "Demo": tenants created on first start of an embedded server.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Folder holding one sub-folder of sample documents per demo knowledge base; found upwards from the working folder when empty.</summary>
    public string? SamplesPath { get; set; }

    public List<DemoTenant> Tenants { get; set; } = [];
}
