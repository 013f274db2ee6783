using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Bench.Load;
using KnowledgePlatform.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Samples;

/// <summary>
/// <c>kp-bench samples</c>: every question of samples/questions.md asked on the demo knowledge bases, as written and
/// asked differently, the questions they cannot answer, and the held-out questions; prints how many answers say their key fact, say something
/// else, or say "not found", and lists each miss. What a visitor or a clinician receives, with no generative model.
/// </summary>
public sealed class SampleAnswersCommand : AsyncCommand<SampleAnswersSettings>
{
    private static readonly Dictionary<string, string> Keys = new()
    {
        [SampleQuestions.Medical] = BenchLoadCommand.ClinicKey,
        [SampleQuestions.CustomerService] = BenchLoadCommand.SupportKey,
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public override Task<int> ExecuteAsync(CommandContext context, SampleAnswersSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 180;
        var samples = settings.Samples ?? LoadServer.FindSamples();
        var questions = SampleQuestions.Read(samples);
        var data = settings.Url is null ? Directory.CreateTempSubdirectory("kp-bench-samples-").FullName : null;
        try
        {
            var clock = Stopwatch.StartNew();
            // Calibrated once, below, as the background scheduler would once ingestion is quiet.
            var extra = new Dictionary<string, string>(BenchLoadCommand.LoadSettings) { ["Calibration:Enabled"] = "false" };
            await using var server = settings.Url is { } url
                ? LoadServer.Existing(new Uri(url.TrimEnd('/') + "/"))
                : await LoadServer.StartAsync(settings.Server ?? LoadServer.FindServerDll(), data!, samples, extra, TimeSpan.FromMinutes(15), cancellationToken);
            if (data is not null)
            {
                foreach (var (kb, key) in Keys)
                {
                    using var http = Client(server.Address, key);
                    using var calibrated = await http.PostAsync($"api/v1/knowledge-bases/{kb}/evidence-gate/calibrate", null, cancellationToken);
                    calibrated.EnsureSuccessStatusCode();
                }
            }
            if (data is null) AnsiConsole.MarkupLineInterpolated($"Asking the server at {server.Address} as it is calibrated.");
            else AnsiConsole.MarkupLineInterpolated($"Server ready at {server.Address} after {clock.Elapsed.TotalSeconds:0} s (samples ingested and calibrated).");

            var answers = new List<SampleAnswer>();
            var clients = Keys.ToDictionary(k => k.Key, k => Client(server.Address, k.Value));
            foreach (var question in questions)
            {
                using var response = await clients[question.KnowledgeBase].PostAsJsonAsync($"api/v1/knowledge-bases/{question.KnowledgeBase}/ask", new { question = question.Text }, cancellationToken);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                var (status, text) = (body.GetProperty("status").GetString()!, body.GetProperty("answer").GetString()!);
                answers.Add(new SampleAnswer(question, status, text, SampleAnswer.Judge(question, status, text)));
            }
            foreach (var client in clients.Values) client.Dispose();

            Print(answers);
            if (settings.Out is { } file)
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(answers, Json), cancellationToken);
            return 0;
        }
        finally
        {
            if (data is not null) BenchLoadCommand.TryDelete(data);
        }
    });

    private static HttpClient Client(Uri address, string key)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static void Print(IReadOnlyList<SampleAnswer> answers)
    {
        var table = new Table().AddColumns("knowledge base", "questions", "asked", "says the key fact", "says something else", "not found");
        foreach (var group in answers.GroupBy(a => (a.Question.KnowledgeBase, a.Question.Wording)).OrderBy(g => g.Key.Wording).ThenBy(g => g.Key.KnowledgeBase))
        {
            int Count(SampleOutcome o) => group.Count(a => a.Outcome == o);
            var unanswerable = group.Key.Wording is SampleWording.Unanswerable or SampleWording.HeldOutUnanswerable;
            table.AddRow(group.Key.KnowledgeBase, Wording(group.Key.Wording), group.Count().ToString(),
                unanswerable ? "–" : $"{Count(SampleOutcome.Right)}",
                $"{Count(SampleOutcome.Wrong)}",
                unanswerable ? $"{Count(SampleOutcome.Right)}" : $"{Count(SampleOutcome.NotFound)}");
        }
        AnsiConsole.Write(table);
        foreach (var miss in answers.Where(a => a.Outcome != SampleOutcome.Right))
        {
            var said = miss.Answer.ReplaceLineEndings(" ");
            AnsiConsole.MarkupLineInterpolated($"  {miss.Outcome,-8} {miss.Question.KnowledgeBase}{(miss.Question.Number > 0 ? $" {miss.Question.Number}" : "")}, {Wording(miss.Question.Wording)}: {miss.Question.Text}\n           → {said[..Math.Min(said.Length, 140)]}");
        }
    }

    private static string Wording(SampleWording wording) => wording switch
    {
        SampleWording.Written => "as written",
        SampleWording.AskedDifferently => "asked differently",
        SampleWording.HeldOut => "held out",
        SampleWording.HeldOutUnanswerable => "held out, cannot be answered",
        _ => "cannot be answered",
    };
}
