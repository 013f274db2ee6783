using System.Globalization;
using KnowledgePlatform.Bench.ModelFiles;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.ModelHost;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Load;

/// <summary>The model scenario of <c>kp-bench load</c>: asks answered by the model host with a generated tiny MoE model.</summary>
internal static class ModelRun
{
    /// <summary>Restarts the server on the same data with the model host (tiny MoE, generated) as its chat model and asks through it.</summary>
    public static async Task<IReadOnlyList<LoadStep>> RunAsync(BenchLoadSettings settings, string data, string samples,
        IReadOnlyList<string> medical, IReadOnlyList<string> support, List<(string, IReadOnlyList<(TimeSpan, long)>)> memory, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("kp-bench-model-").FullName;
        var path = Path.Combine(folder, "tiny-moe.gguf");
        // Its tokenizer has no merges (one token per byte): a prompt with six evidence passages is ~10k tokens.
        TinyMoeModel.Write(path, new TinyMoeModel.Options { ContextLength = 32768 });
        var modelHost = ModelHostApp.Create([], new Dictionary<string, string?>
        {
            ["ModelHost:ModelPath"] = path,
            ["ModelHost:Sequences"] = settings.ModelSequences.ToString(CultureInfo.InvariantCulture),
            ["ModelHost:QueueLimit"] = "4096",
            ["ModelHost:Threads"] = "1",
            ["ModelHost:ContextSize"] = "32768",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var steps = new List<LoadStep>();
        try
        {
            await modelHost.StartAsync(ct);
            var chat = new Dictionary<string, string>(BenchLoadCommand.LoadSettings)
            {
                ["Chat:Provider"] = "openai-compatible",
                ["Chat:BaseUrl"] = new Uri(modelHost.Address(), "/v1/").ToString(),
                ["Chat:Model"] = "tiny-moe",
                ["Chat:MaxTokens"] = settings.ModelTokens.ToString(CultureInfo.InvariantCulture),
            };
            AnsiConsole.MarkupLine("  model: restarting the server with the model host (generated tiny random MoE: mechanics, not a real model) ...");
            await using var server = await BenchLoadCommand.StartServerAsync(settings, data, samples, chat, ct);
            await using var sampler = new MemorySampler(() => server.WorkingSet, TimeSpan.FromSeconds(1));
            using var client = new LoadClient(server.Address);
            steps.AddRange(await BenchLoadCommand.AskStepsAsync("ask (tiny MoE, SSE)", client, settings, medical, support, ct));
            memory.Add(("ask (model)", sampler.Between(TimeSpan.Zero, sampler.Now)));
        }
        finally
        {
            await modelHost.StopAsync(CancellationToken.None);
            await modelHost.DisposeAsync();
            BenchLoadCommand.TryDelete(folder);
        }
        return steps;
    }
}
