using System.Text.Json;
using Spectre.Console;

namespace KnowledgePlatform.Cli.Sources;

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
