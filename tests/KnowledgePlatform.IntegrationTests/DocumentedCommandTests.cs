using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Channels;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The `kp` and `kp-bench` commands that README.md and docs/ show, run as their users run them (`dotnet kp.dll …`,
/// `dotnet kp-bench.dll …`, each its own process) on tiny data from the repository: the command registrations, the
/// services each command builds for itself and the options the docs name cannot break without a test noticing.
/// </summary>
public sealed class DocumentedCommandTests : IDisposable
{
    private const string ClinicKey = "kp_demo_clinic_key";
    private const string SupportKey = "kp_demo_support_key";
    private const string PlatformKey = "kp_platform_admin_key_for_documented_command_tests";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _work = Directory.CreateTempSubdirectory("kp-documented-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_kp_commands_of_the_docs_run_against_a_server_and_on_the_embedded_stores()
    {
        var samples = TinySamples();
        var data = Path.Combine(_work, "data");
        var package = Path.Combine(_work, "medical.kp.zip");
        var backup = Path.Combine(_work, "backup.zip");
        await using (var server = new ServerProcess(new Dictionary<string, string>
        {
            ["Storage:DataPath"] = data,
            ["Demo:Enabled"] = "true",
            ["Demo:SamplesPath"] = samples,
            ["Platform:AdminKey"] = PlatformKey,
        }))
        {
            await server.StartAsync(_ct);
            string[] remote(string key) => ["--server", server.Address.ToString(), "--key", key];

            await Succeeds(Tool.Kp, ["kb", "export", "medical", package, .. remote(ClinicKey)], "Exported medical");
            await Succeeds(Tool.Kp, ["kb", "import", package, "--name", "medical-copy", .. remote(SupportKey)], "medical-copy");
            await Succeeds(Tool.Kp, ["search", "medical", "migraine triptan", .. remote(ClinicKey)], "migraine.md");
            await Succeeds(Tool.Kp, ["source", "list", "customer-service", .. remote(SupportKey)]);
            await Succeeds(Tool.Kp, ["tenant", "create", "riverside", "--name", "Riverside Clinic", "--template", "medical", "--kb", "guidelines",
                "--admin-email", "lead@riverside.example", .. remote(PlatformKey)], "Created tenant riverside");
            await Succeeds(Tool.Kp, ["tenant", "list", .. remote(PlatformKey)], "Riversid"); // the table is 80 columns wide when redirected
            await Succeeds(Tool.Kp, ["tenant", "suspend", "riverside", "--reason", "invoice overdue", .. remote(PlatformKey)], "Suspended riverside");
            await Succeeds(Tool.Kp, ["tenant", "resume", "riverside", .. remote(PlatformKey)], "Resumed riverside");
            await Succeeds(Tool.Kp, ["tenant", "delete", "riverside", "--yes", .. remote(PlatformKey)], "Deleted riverside");
            await Succeeds(Tool.Kp, ["backup", backup, "--data", data], "Backed up");
        }

        // The embedded stores, with the server stopped (docs/api.md: kp opens them directly).
        string[] embedded(string key) => ["--data", data, "--key", key];
        await Succeeds(Tool.Kp, ["db", "migrate", "--data", data], "up to date");
        // Several files: their jobs run side by side (Ingestion:Workers) while the last are still being submitted.
        await Succeeds(Tool.Kp, ["ingest", "medical", .. new[] { "hypertension-adults.md", "asthma-stepwise-therapy.md", "drug-dosing.csv" }
            .Select(f => Path.Combine(SampleFiles.Folder, "medical", f)), .. embedded(ClinicKey)], "ready"); // exit code 2 unless every file is ready
        await Succeeds(Tool.Kp, ["search", "medical", "blood pressure target", .. embedded(ClinicKey)], "hypertension-adults");
        await Succeeds(Tool.Kp, ["ask", "customer-service", "How long is the warranty?", .. embedded(SupportKey)], "warranty-policy.md");
        await Succeeds(Tool.Kp, ["db", "reindex", "--data", data]);
        await Succeeds(Tool.Kp, ["reembed", "medical", "--model", "arctic-xs-copy", .. embedded(ClinicKey)], "re-embedded");
        var restored = Path.Combine(_work, "restored");
        await Succeeds(Tool.Kp, ["restore", backup, "--data", restored]);
        await Succeeds(Tool.Kp, ["doctor", "--data", restored], "Clean");
    }

    [Fact]
    public async Task Kp_bench_eval_measures_retrieval_and_answers_on_a_judged_set_from_the_repository()
    {
        var set = Path.Combine(Path.GetDirectoryName(SampleFiles.Folder)!, "tests", "KnowledgePlatform.Tests", "Evaluation", "Fixture");
        var report = Path.Combine(_work, "fixture.eval.json");

        await Succeeds(Tool.Bench, ["eval", set, "--fit", "--out", report, "--no-cache"], "nDCG@10");
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, _ct)))
            Assert.True(json.RootElement.ValueKind == JsonValueKind.Object, "the --out report is a JSON object");
        await Succeeds(Tool.Bench, ["eval", set, "--answers", "--unanswerable", "0.3", "--seed", "7", "--vertical", "medical", "--no-cache"], "AUC");
    }

    [Fact]
    public async Task Kp_bench_ingest_runs_a_corpus_and_a_pdf_through_the_pipeline_and_prints_the_ratio_to_the_encoder_alone()
    {
        var corpus = Directory.CreateDirectory(Path.Combine(_work, "corpus")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(corpus, "corpus.jsonl"), Enumerable.Range(0, 6).Select(i => JsonSerializer.Serialize(new
        {
            _id = $"d{i}",
            title = $"Dosing note {i}",
            text = $"Adults take 500 mg to 1 g of paracetamol every four to six hours, at most 4 g in a day (note {i}).",
        })), _ct);

        var output = await Succeeds(Tool.Bench, ["ingest", "--corpus", corpus, "--pdf-pages", "2", "--rounds", "2", "--compare", "4", "--replay-calls"],
            "corpus end to end / encoder alone", "2-page PDF ready after", "replayed alone");
        Assert.Contains("6 (6 chunks", output); // every document ready, one chunk each
        Assert.Contains("1.00×", output); // the encoder comparison's first row, against which the others are given

        output = await Succeeds(Tool.Bench, ["ingest", "--corpus", corpus, "--pdf-pages", "1", "--rounds", "1", "--without-model"],
            "pipeline CPU, no model", "1-page PDF ready after");
        Assert.Contains("6 (6 chunks", output);
        Assert.DoesNotContain("encoder alone", output);
    }

    [Fact]
    public async Task Kp_bench_load_runs_each_scenario_on_tiny_sizes()
    {
        var server = AssemblyPath("ServerAssembly");
        await Succeeds(Tool.Bench, ["load", "--server", server, "--samples", TinySamples(), "--clients", "1", "--requests", "4", "--ask-requests", "2",
                "--step-seconds", "10", "--visitors", "1", "--duration", "3", "--documents", "1", "--think-ms", "100", "--baseline-queries", "4",
                "--model-tokens", "4", "--model-sequences", "1"],
            "ask (extractive, SSE)", "mixed: visitor ask", "ask (tiny MoE, SSE)", "Baseline (same run)");
    }

    [Fact]
    public async Task Kp_bench_samples_asks_each_sample_question_and_counts_the_answers_that_say_their_key_fact()
    {
        var samples = TinySamples();
        await File.WriteAllTextAsync(Path.Combine(samples, "questions.md"), """
            ## Medical

            | # | Question | Answered by | Expected answer (key facts) | The answer must say |
            |---|---|---|---|---|
            | 1 | How long does a migraine attack without aura last? | `migraine.md` | 4–72 hours | 4–72 hours |

            ## Customer service

            | # | Question | Answered by | Expected answer (key facts) | The answer must say |
            |---|---|---|---|---|
            | 1 | How long is the warranty on the Northwind Sweep S2? | `warranty-policy.md` | 2 years | 2 years |

            ## Questions the knowledge bases cannot answer

            | Knowledge base | Question |
            |---|---|
            | customer-service | Do you sell washing machines? |

            ## The same questions asked differently

            | Knowledge base | # | Asked differently |
            |---|---|---|
            | customer-service | 1 | What warranty does the Sweep S2 come with? |
            """, _ct);
        var json = Path.Combine(_work, "samples.answers.json");

        await Succeeds(Tool.Bench, ["samples", "--server", AssemblyPath("ServerAssembly"), "--samples", samples, "--out", json],
            "as written", "asked differently", "cannot be answered");

        var answers = JsonDocument.Parse(await File.ReadAllTextAsync(json, _ct)).RootElement;
        Assert.Equal(4, answers.GetArrayLength());
        Assert.All(answers.EnumerateArray(), a => Assert.False(string.IsNullOrEmpty(a.GetProperty("answer").GetString())));
        var warranty = answers.EnumerateArray().Single(a => a.GetProperty("question").GetProperty("text").GetString() == "How long is the warranty on the Northwind Sweep S2?");
        Assert.Equal("Right", warranty.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Kp_bench_model_times_a_generated_tiny_model_and_refuses_a_host_too_small_for_four_streams()
    {
        await Succeeds(Tool.Bench, ["model", "--tokens", "4", "--runs", "1"], "generated tiny random MoE model", "4 streams");
        var (exitCode, output) = await RunAsync(Tool.Bench, ["model", "--parallel", "1", "--queue", "1"]);
        var words = string.Join(' ', output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)); // the console wraps at 80 columns
        Assert.True(exitCode != 0 && words.Contains("--parallel plus --queue must be at least 4", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Kp_says_where_the_benchmarks_went()
    {
        foreach (var verb in new[] { "eval", "bench" })
        {
            var (exitCode, output) = await RunAsync(Tool.Kp, [verb, "ingest"]);
            Assert.Equal(1, exitCode);
            Assert.Contains("kp-bench", output);
        }
    }

    private enum Tool { Kp, Bench }

    /// <summary>Two sample documents of the repository as the demo's samples folder: one per demo knowledge base.</summary>
    private string TinySamples()
    {
        var samples = Path.Combine(_work, "samples");
        foreach (var file in new[] { Path.Combine("medical", "migraine.md"), Path.Combine("customer-service", "warranty-policy.md") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(samples, file))!);
            File.Copy(Path.Combine(SampleFiles.Folder, file), Path.Combine(samples, file), overwrite: true);
        }
        return samples;
    }

    private async Task<string> Succeeds(Tool tool, string[] args, params string[] expected)
    {
        var (exitCode, output) = await RunAsync(tool, args);
        var command = $"{(tool == Tool.Kp ? "kp" : "kp-bench")} {string.Join(' ', args)}";
        Assert.True(exitCode == 0, $"{command} exited with {exitCode}:\n{output}");
        foreach (var text in expected) Assert.True(output.Contains(text, StringComparison.Ordinal), $"{command} did not print '{text}':\n{output}");
        return output;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(Tool tool, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [AssemblyPath(tool == Tool.Kp ? "CliAssembly" : "BenchAssembly"), .. args])
        {
            WorkingDirectory = _work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["DOTNET_ENVIRONMENT"] = "Production",
                // A second configured embedding model for `kp reembed … --model` (the same ONNX encoder under another name).
                ["Embedding__Additional__0__Provider"] = "onnx",
                ["Embedding__Additional__0__Model"] = "arctic-xs-copy",
                ["Embedding__Additional__0__Dimension"] = "384",
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_ct);
        var stderr = process.StandardError.ReadToEndAsync(_ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string AssemblyPath(string key) =>
        Path.GetFullPath(typeof(DocumentedCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
}
