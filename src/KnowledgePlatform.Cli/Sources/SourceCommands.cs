using System.Globalization;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

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
