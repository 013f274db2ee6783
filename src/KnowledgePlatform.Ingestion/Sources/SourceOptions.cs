using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>Configuration section "Sources": how this process runs syncs, and what sources may read (decision 0080).</summary>
public sealed class SourceOptions
{
    public const string Section = "Sources";

    /// <summary>Syncs this process runs at once; 0: none here (and no schedule or folder watching either), another process runs them.</summary>
    [Range(0, 16)]
    public int Workers { get; set; } = 1;

    /// <summary>How long a claimed sync is reserved for its worker; every item read extends it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for queued syncs and due schedules.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts (a worker killed or stopped on an unexpected error) before a sync is given up.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The folders (and their subfolders) folder sources may read; none: folder sources are refused.</summary>
    public List<string> AllowedFolders { get; set; } = [];

    /// <summary>Let web sources read loopback, private and link-local addresses (an intranet wiki); off, they read only public sites.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The User-Agent of requests; its product name is also the name robots.txt rules are matched against.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]+(/[A-Za-z0-9._-]+)?( .*)?$", ErrorMessage = "Sources:UserAgent must start with a product token such as KnowledgePlatformSync/1.0.")]
    public string UserAgent { get; set; } = "KnowledgePlatformSync/1.0 (+https://github.com/knowledgeplatform)";

    /// <summary>The longest one request to a web source may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The robots.txt product token: the User-Agent's product name.</summary>
    public string RobotsToken => UserAgent.Split('/', ' ')[0];
}
