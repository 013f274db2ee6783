using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Bench.ModelFiles;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.ModelHost;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.ModelServing;

/// <summary>
/// Time to first token and tokens/s of a model host for 1 and 4 concurrent streams (the 4-stream aggregate
/// as a ratio of the single stream, measured in the same run), then what a burst beyond its queue gets.
/// </summary>
public sealed class BenchModelCommand : AsyncCommand<BenchModelSettings>
{
    private sealed record Run(TimeSpan FirstToken, TimeSpan Total, int Tokens);

    public override Task<int> ExecuteAsync(CommandContext context, BenchModelSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        string? generated = null;
        Microsoft.AspNetCore.Builder.WebApplication? host = null;
        try
        {
            Uri v1;
            if (settings.Url is { } url)
            {
                v1 = new Uri(url.TrimEnd('/') + "/");
            }
            else
            {
                var path = settings.Model;
                if (path is null)
                {
                    generated = Path.Combine(Directory.CreateTempSubdirectory("kp-bench-").FullName, "tiny-random-moe.gguf");
                    TinyMoeModel.Write(generated);
                    path = generated;
                    AnsiConsole.MarkupLine("[yellow]No --model or --url: benchmarking a generated tiny random MoE model. Its figures measure the serving mechanics, not a real model.[/]");
                }
                host = ModelHostApp.Create([], new Dictionary<string, string?>
                {
                    ["ModelHost:ModelPath"] = path,
                    ["ModelHost:Sequences"] = settings.Parallel.ToString(),
                    ["ModelHost:QueueLimit"] = settings.Queue.ToString(),
                    ["ModelHost:Threads"] = settings.Threads.ToString(),
                    ["ModelHost:ContextSize"] = settings.ContextSize.ToString(),
                    ["Urls"] = "http://127.0.0.1:0",
                    ["Logging:LogLevel:Default"] = "Warning",
                });
                await host.StartAsync(cancellationToken);
                v1 = new Uri(host.Address(), "/v1/");
            }
            return await BenchAsync(v1, settings, cancellationToken);
        }
        catch (Exception ex) when (ex is ModelFileException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            throw new CliException(ex.Message);
        }
        finally
        {
            if (host is not null)
            {
                await host.StopAsync(CancellationToken.None);
                await host.DisposeAsync();
            }
            if (generated is not null) Directory.Delete(Path.GetDirectoryName(generated)!, recursive: true);
        }
    });

    private static async Task<int> BenchAsync(Uri v1, BenchModelSettings settings, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = v1, Timeout = TimeSpan.FromMinutes(30) };
        var models = await http.GetFromJsonAsync<JsonElement>("models", ct);
        var chat = models.GetProperty("data").EnumerateArray()
            .FirstOrDefault(m => settings.ModelName is null ? !m.TryGetProperty("kind", out var k) || k.GetString() == "chat" : m.GetProperty("id").GetString() == settings.ModelName);
        var model = settings.ModelName ?? chat.GetProperty("id").GetString()!;
        Describe(v1, model, chat);

        await StreamAsync(http, model, settings.Tokens, ct); // warm-up
        var single = new List<Run>();
        for (var i = 0; i < settings.Runs; i++) single.Add(await StreamAsync(http, model, settings.Tokens, ct));

        var ttft4 = new List<double>();
        var aggregate4 = new List<double>();
        for (var i = 0; i < settings.Runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => StreamAsync(http, model, settings.Tokens, ct)));
            aggregate4.Add(runs.Sum(r => r.Tokens) / clock.Elapsed.TotalSeconds);
            ttft4.AddRange(runs.Select(r => r.FirstToken.TotalMilliseconds));
        }

        var rate1 = Median(single.Select(r => r.Tokens / r.Total.TotalSeconds));
        var rate4 = Median(aggregate4);
        var table = new Table().AddColumns("measure", "1 stream", "4 streams");
        table.AddRow("time to first token (median)", $"{Median(single.Select(r => r.FirstToken.TotalMilliseconds)):N0} ms", $"{Median(ttft4):N0} ms");
        table.AddRow("tokens/s (4 streams: aggregate)", $"{rate1:N1}", $"{rate4:N1}");
        table.AddRow("aggregate vs 1 stream", "1.00×", $"{rate4 / rate1:N2}×");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]{settings.Runs} runs of {settings.Tokens} tokens each (end-of-generation ignored), after one warm-up.[/]");

        await QueueAsync(http, model, chat, settings, ct);
        return 0;
    }

    private static void Describe(Uri v1, string model, JsonElement chat)
    {
        var facts = new List<string> { $"{model} at {v1}" };
        if (chat.ValueKind == JsonValueKind.Object && chat.TryGetProperty("architecture", out var arch))
        {
            facts.Add($"{arch.GetString()}, {chat.GetProperty("quantization").GetString()}, {chat.GetProperty("file_size_bytes").GetInt64() / 1048576.0:N1} MiB");
            var p = chat.GetProperty("parameters");
            facts.Add($"{p.GetProperty("total").GetInt64():N0} parameters, {p.GetProperty("active_per_token").GetInt64():N0} active per token");
            if (chat.GetProperty("experts") is { ValueKind: JsonValueKind.Object } e)
                facts.Add($"{e.GetProperty("used_per_token").GetInt32()} of {e.GetProperty("count").GetInt32()} experts per token");
            var s = chat.GetProperty("serving");
            facts.Add($"serving {s.GetProperty("sequences").GetInt32()} sequences, queue {s.GetProperty("queue_limit").GetInt32()}");
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]{string.Join(" · ", facts)}[/]");
    }

    private static object Body(string model, int tokens, bool stream) => new
    {
        model,
        messages = new[] { new { role = "user", content = "Write a long story about a lighthouse keeper." } },
        max_tokens = tokens,
        stream,
        ignore_eos = true,
        temperature = 0.7,
        stream_options = stream ? new { include_usage = true } : null,
    };

    private static async Task<Run> StreamAsync(HttpClient http, string model, int tokens, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = JsonContent.Create(Body(model, tokens, stream: true)) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) throw new CliException($"The endpoint answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        TimeSpan? first = null;
        int chunks = 0, usage = 0;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (line == "data: [DONE]") break;
            var data = JsonDocument.Parse(line[6..]).RootElement;
            if (data.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object) usage = u.GetProperty("completion_tokens").GetInt32();
            if (data.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 })
            {
                first ??= clock.Elapsed;
                chunks++;
            }
        }
        return new Run(first ?? clock.Elapsed, clock.Elapsed, usage > 0 ? usage : chunks);
    }

    /// <summary>A burst of requests beyond what the server runs and queues: how many are served, how many turned away.</summary>
    private static async Task QueueAsync(HttpClient http, string model, JsonElement chat, BenchModelSettings settings, CancellationToken ct)
    {
        var capacity = chat.ValueKind == JsonValueKind.Object && chat.TryGetProperty("serving", out var s)
            ? s.GetProperty("sequences").GetInt32() + s.GetProperty("queue_limit").GetInt32()
            : 8;
        var burst = capacity + 4;
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, burst).Select(async _ =>
        {
            using var response = await http.PostAsJsonAsync("chat/completions", Body(model, settings.Tokens * 4, stream: false), ct);
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Elapsed: clock.Elapsed);
        }));
        var served = results.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var line = $"Queue: a burst of {burst} requests (capacity {capacity}): {served.Count} served (the last after {(served.Count > 0 ? served.Max(r => r.Elapsed.TotalSeconds) : 0):N1} s), {refused.Count} answered 429";
        if (refused.Count > 0)
            line += $" at once (within {refused.Max(r => r.Elapsed.TotalMilliseconds):N0} ms) with Retry-After {refused.Min(r => r.RetryAfter?.TotalSeconds ?? 0):N0} to {refused.Max(r => r.RetryAfter?.TotalSeconds ?? 0):N0} s";
        AnsiConsole.WriteLine(line + ".");
        var other = results.Length - served.Count - refused.Count;
        if (other > 0) AnsiConsole.MarkupLineInterpolated($"[red]{other} requests failed otherwise.[/]");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
