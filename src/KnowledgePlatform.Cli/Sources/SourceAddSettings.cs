using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceAddSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name.")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<name>")]
    public string Name { get; init; } = "";

    [CommandOption("--web <URL>")]
    [Description("A start page, or a sitemap (a URL ending in .xml).")]
    public string? Web { get; init; }

    [CommandOption("--prefix <PATH>")]
    [Description("Web: only paths starting with this are read (default: the start URL's folder).")]
    public string? Prefix { get; init; }

    [CommandOption("--depth <N>")]
    public int? Depth { get; init; }

    [CommandOption("--pages <N>")]
    [Description("Web: the most pages one sync reads (default 1,000).")]
    public int? Pages { get; init; }

    [CommandOption("--pause <DURATION>")]
    [Description("Web: the pause between requests (default 0.5s).")]
    public string? Pause { get; init; }

    [CommandOption("--folder <PATH>")]
    [Description("An absolute path on the server, under Sources:AllowedFolders.")]
    public string? Folder { get; init; }

    [CommandOption("--no-watch")]
    [Description("Folder: sync on schedule only, not when files change.")]
    public bool NoWatch { get; init; }

    [CommandOption("--every <DURATION>")]
    [Description("Sync on its own this often (at least 5m), e.g. 6h.")]
    public string? Every { get; init; }

    [CommandOption("--grace <DURATION>")]
    [Description("How long a vanished page or file keeps its document (default 1d for web, 0 for folders).")]
    public string? Grace { get; init; }

    [CommandOption("--no-sync")]
    [Description("Do not start the first sync now.")]
    public bool NoSync { get; init; }

    public override ValidationResult Validate() =>
        (Web is null) == (Folder is null) ? ValidationResult.Error("Give either --web URL or --folder PATH.") : base.Validate();
}
