using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

public sealed class SourceListCommand : AsyncCommand<SourceListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceListSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var sources = await api.GetAsync($"api/v1/knowledge-bases/{SourceApi.Id(settings.KnowledgeBase)}/sources", cancellationToken);
        var table = new Table().AddColumns("Id", "Name", "Reads", "Schedule", "Documents", "Last sync");
        foreach (var s in sources.EnumerateArray())
        {
            var reads = s.GetProperty("kind").GetString() == "web" ? s.GetProperty("web").GetProperty("startUrl").GetString() : s.GetProperty("folder").GetProperty("path").GetString();
            var schedule = s.GetProperty("paused").GetBoolean() ? "paused" : s.GetProperty("interval").ValueKind == JsonValueKind.Null ? "on demand" : "every " + s.GetProperty("interval").GetString();
            var last = s.GetProperty("lastRun");
            table.AddRow(Markup.Escape(s.GetProperty("id").GetString()!), Markup.Escape(s.GetProperty("name").GetString()!), Markup.Escape(reads ?? ""), schedule,
                s.GetProperty("documentCount").GetInt32().ToString(CultureInfo.InvariantCulture), last.ValueKind == JsonValueKind.Null ? "never" : Markup.Escape(SourceOutput.Summary(last)));
        }
        AnsiConsole.Write(table);
        return 0;
    });
}

public sealed class SourceAddCommand : AsyncCommand<SourceAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceAddSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var body = new Dictionary<string, object?>
        {
            ["name"] = settings.Name,
            ["kind"] = settings.Web is not null ? "web" : "folder",
            ["interval"] = SourceCommands.Duration(settings.Every, "--every")?.ToString("c", CultureInfo.InvariantCulture),
            ["removalGrace"] = SourceCommands.Duration(settings.Grace, "--grace")?.ToString("c", CultureInfo.InvariantCulture),
            ["syncNow"] = !settings.NoSync,
            ["web"] = settings.Web is null ? null : new
            {
                startUrl = settings.Web, pathPrefix = settings.Prefix, maxDepth = settings.Depth, maxPages = settings.Pages,
                requestInterval = SourceCommands.Duration(settings.Pause, "--pause")?.ToString("c", CultureInfo.InvariantCulture),
            },
            ["folder"] = settings.Folder is null ? null : new { path = settings.Folder, watch = !settings.NoWatch },
        };
        var source = await api.SendAsync(HttpMethod.Post, $"api/v1/knowledge-bases/{SourceApi.Id(settings.KnowledgeBase)}/sources", body, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Added source {source.GetProperty("name").GetString()} ({source.GetProperty("id").GetString()}).[/]");
        if (source.GetProperty("lastRun") is { ValueKind: JsonValueKind.Object } run)
            AnsiConsole.MarkupLineInterpolated($"Its first sync {run.GetProperty("id").GetString()} is queued; follow it with kp source sync {source.GetProperty("id").GetString()} --wait.");
        return 0;
    });
}

public sealed class SourceSyncCommand : AsyncCommand<SourceSyncSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceSyncSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var run = await api.SendAsync(HttpMethod.Post, $"api/v1/sources/{SourceApi.Id(settings.Source)}/sync", null, cancellationToken);
        var id = run.GetProperty("id").GetString()!;
        AnsiConsole.MarkupLineInterpolated($"Sync {id}: {run.GetProperty("status").GetString()}.");
        if (!settings.Wait) return 0;
        JsonElement detail = default;
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask("queued", maxValue: 1);
                while (true)
                {
                    detail = await api.GetAsync($"api/v1/sync-runs/{SourceApi.Id(id)}", cancellationToken);
                    var state = detail.GetProperty("run");
                    bar.MaxValue = Math.Max(1, state.GetProperty("discovered").GetInt32());
                    bar.Value = state.GetProperty("processed").GetInt32();
                    bar.Description = Markup.Escape($"{state.GetProperty("phase").GetString() ?? state.GetProperty("status").GetString()} · {SourceOutput.Counts(state)}");
                    if (state.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled")
                    {
                        bar.StopTask();
                        return;
                    }
                    await Task.Delay(500, cancellationToken);
                }
            });
        SourceOutput.Write(detail);
        return detail.GetProperty("run").GetProperty("status").GetString() == "succeeded" ? 0 : 2;
    });
}

/// <summary>Pauses or resumes a source.</summary>
public abstract class SourceStateCommand(string action, string done) : AsyncCommand<SourceIdSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceIdSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Post, $"api/v1/sources/{SourceApi.Id(settings.Source)}/{action}", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]{done} {settings.Source}.[/]");
        return 0;
    });
}

public sealed class SourcePauseCommand() : SourceStateCommand("pause", "Paused");

public sealed class SourceResumeCommand() : SourceStateCommand("resume", "Resumed");

public sealed class SourceHistoryCommand : AsyncCommand<SourceHistorySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceHistorySettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        if (settings.Run is { } run)
        {
            SourceOutput.Write(await api.GetAsync($"api/v1/sync-runs/{SourceApi.Id(run)}", cancellationToken));
            return 0;
        }
        var runs = await api.GetAsync($"api/v1/sources/{SourceApi.Id(settings.Source)}/runs", cancellationToken);
        var table = new Table().AddColumns("Sync", "Started", "Trigger", "Outcome");
        foreach (var r in runs.EnumerateArray())
            table.AddRow(Markup.Escape(r.GetProperty("id").GetString()!), r.GetProperty("createdAt").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                r.GetProperty("trigger").GetString()!, Markup.Escape(SourceOutput.Summary(r)));
        AnsiConsole.Write(table);
        return 0;
    });
}

public sealed class SourceRemoveCommand : AsyncCommand<SourceRemoveSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceRemoveSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Delete, $"api/v1/sources/{SourceApi.Id(settings.Source)}?deleteDocuments={(settings.DeleteDocuments ? "true" : "false")}", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Removed {settings.Source}{(settings.DeleteDocuments ? " and its documents" : "; its documents stay")}.[/]");
        return 0;
    });
}

/// <summary>How the commands print a sync.</summary>
internal static class SourceOutput
{
    public static string Counts(JsonElement run) => string.Join(", ",
        new[] { "added", "updated", "unchanged", "removed", "failed", "skipped" }.Select(k => (k, n: run.GetProperty(k).GetInt32())).Where(c => c.n > 0).Select(c => $"{c.n} {c.k}")
            .DefaultIfEmpty($"{run.GetProperty("processed").GetInt32()} of {run.GetProperty("discovered").GetInt32()} read"));

    public static string Summary(JsonElement run) =>
        $"{run.GetProperty("status").GetString()}: {Counts(run)}{(run.GetProperty("error").GetString() is { } error ? " · " + error : "")}";

    /// <summary>The sync's outcome and its changes (added, updated, removed, failed, with reasons).</summary>
    public static void Write(JsonElement detail)
    {
        var run = detail.GetProperty("run");
        AnsiConsole.MarkupLineInterpolated($"Sync {run.GetProperty("id").GetString()} {Summary(run)}");
        var changes = detail.GetProperty("changes");
        if (changes.GetArrayLength() == 0) return;
        var table = new Table().AddColumns("Item", "Outcome", "Reason");
        foreach (var c in changes.EnumerateArray())
            table.AddRow(Markup.Escape(c.GetProperty("key").GetString()!), c.GetProperty("outcome").GetString()!, Markup.Escape(c.GetProperty("reason").GetString() ?? ""));
        AnsiConsole.Write(table);
    }
}
