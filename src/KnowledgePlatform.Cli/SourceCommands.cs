using System.ComponentModel;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

/// <summary>`kp source …`: a knowledge base's web and folder sources through a running server (decision 80).</summary>
public static class SourceCommands
{
    public static void AddSourceCommands(this IConfigurator config) => config.AddBranch("source", source =>
    {
        source.SetDescription("Web sites and folders a knowledge base is kept in sync with (through a running server).");
        source.AddCommand<SourceListCommand>("list").WithDescription("A knowledge base's sources with their last sync.")
            .WithExample("source", "list", "customer-service", "--server", "http://localhost:5080", "--key", "kp_demo_support_key");
        source.AddCommand<SourceAddCommand>("add").WithDescription("Add a web or folder source; its first sync starts at once.")
            .WithExample("source", "add", "customer-service", "help-centre", "--web", "https://help.example/support/sitemap.xml", "--every", "6h")
            .WithExample("source", "add", "medical", "guidelines", "--folder", "/srv/shares/guidelines");
        source.AddCommand<SourceSyncCommand>("sync").WithDescription("Run a sync now; --wait follows it to the end.")
            .WithExample("source", "sync", "src_…", "--wait");
        source.AddCommand<SourcePauseCommand>("pause").WithDescription("Pause a source: no scheduled or watched syncs; a running one stops.");
        source.AddCommand<SourceResumeCommand>("resume").WithDescription("Resume a paused source.");
        source.AddCommand<SourceHistoryCommand>("history").WithDescription("A source's syncs, or one sync's changes with --run.");
        source.AddCommand<SourceRemoveCommand>("remove").WithDescription("Remove a source; --delete-documents removes its documents too.");
    });

    /// <summary>"30m", "6h", "2d" or a time span ("06:00:00").</summary>
    internal static TimeSpan? Duration(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            switch (value[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) ? span : throw new CliException($"{option} takes a duration such as 30m, 6h, 2d or 06:00:00.");
    }
}

public class SourceIdSettings : CommonSettings
{
    [CommandArgument(0, "<source>")]
    [Description("The source's id (src_…), as `kp source list` shows it.")]
    public string Source { get; init; } = "";
}

public sealed class SourceListSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name.")]
    public string KnowledgeBase { get; init; } = "";
}

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

public sealed class SourceSyncSettings : SourceIdSettings
{
    [CommandOption("-w|--wait")]
    [Description("Follow the sync with a progress bar until it ends, then list what changed.")]
    public bool Wait { get; init; }
}

public sealed class SourceHistorySettings : SourceIdSettings
{
    [CommandOption("--run <ID>")]
    [Description("Show this sync's changes (added, updated, removed, failed with reasons).")]
    public string? Run { get; init; }
}

public sealed class SourceRemoveSettings : SourceIdSettings
{
    [CommandOption("--delete-documents")]
    [Description("Also remove the source's documents from the knowledge base (otherwise they stay as ordinary documents).")]
    public bool DeleteDocuments { get; init; }
}

/// <summary>The source endpoints of the server, for the commands.</summary>
internal sealed class SourceApi(HttpClient http) : IDisposable
{
    public static SourceApi Open(CommonSettings settings) => new(PackageTransfer.Client(settings));

    public async Task<JsonElement> SendAsync(HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) throw await PackageTransfer.FailureAsync(response, ct);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent ? default : await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    public Task<JsonElement> GetAsync(string url, CancellationToken ct) => SendAsync(HttpMethod.Get, url, null, ct);

    public static string Id(string value) => Uri.EscapeDataString(value);

    public void Dispose() => http.Dispose();
}
