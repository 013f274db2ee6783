using System.ComponentModel;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

public sealed class KbExportSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name.")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<file>")]
    [Description("Where to write the package (a zip).")]
    public string File { get; init; } = "";
}

public sealed class KbImportSettings : CommonSettings
{
    [CommandArgument(0, "<file>")]
    [Description("A package written by `kp kb export`.")]
    public string File { get; init; } = "";

    [CommandOption("-n|--name <NAME>")]
    [Description("Name of the new knowledge base (default: the name in the package).")]
    public string? Name { get; init; }
}

/// <summary>`kp kb export` / `kp kb import`: knowledge-base packages through a running server's API (decision 43).</summary>
internal static class PackageTransfer
{
    public static HttpClient Client(CommonSettings settings) =>
        string.IsNullOrWhiteSpace(settings.Server)
            ? throw new CliException("kb export and kb import talk to a running server: pass --server (or set $KP_SERVER).")
            : new HttpClient { BaseAddress = new Uri(settings.Server.TrimEnd('/') + "/"), DefaultRequestHeaders = { { "X-Api-Key", settings.Key } }, Timeout = TimeSpan.FromHours(1) };

    public static async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            return new CliException($"{(int)response.StatusCode} {problem.GetProperty("code").GetString()}: {problem.GetProperty("detail").GetString()}");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new CliException($"{(int)response.StatusCode}: {text}");
        }
    }
}

public sealed class KbExportCommand : AsyncCommand<KbExportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, KbExportSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var http = PackageTransfer.Client(settings);
        using var response = await http.GetAsync($"api/v1/knowledge-bases/{Uri.EscapeDataString(settings.KnowledgeBase)}/export", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await PackageTransfer.FailureAsync(response, cancellationToken);
        await using (var target = File.Create(settings.File))
            await response.Content.CopyToAsync(target, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Exported {settings.KnowledgeBase} to {settings.File} ({new FileInfo(settings.File).Length:N0} bytes).[/]");
        return 0;
    });
}

public sealed class KbImportCommand : AsyncCommand<KbImportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, KbImportSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        if (!File.Exists(settings.File)) throw new CliException($"'{settings.File}' does not exist.");
        using var http = PackageTransfer.Client(settings);
        using var form = new MultipartFormDataContent();
        await using var stream = File.OpenRead(settings.File);
        form.Add(new StreamContent(stream) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, "package", Path.GetFileName(settings.File));
        if (settings.Name is not null) form.Add(new StringContent(settings.Name), "name");
        using var response = await http.PostAsync("api/v1/knowledge-bases/import", form, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await PackageTransfer.FailureAsync(response, cancellationToken);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        var kb = result.GetProperty("knowledgeBase");
        AnsiConsole.MarkupLineInterpolated(
            $"[green]Imported knowledge base {kb.GetProperty("name").GetString()} ({kb.GetProperty("id").GetString()}): {result.GetProperty("documents").GetInt32()} documents, {(result.GetProperty("reembedded").GetBoolean() ? "being embedded again" : $"{result.GetProperty("chunks").GetInt32()} chunks with their embeddings")}.[/]");
        return 0;
    });
}
