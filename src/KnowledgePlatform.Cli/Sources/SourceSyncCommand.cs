using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

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
