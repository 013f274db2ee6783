using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Packages;

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
