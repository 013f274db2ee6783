using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// `kp bench ingest` as its documentation runs it, on a tiny corpus and a short generated PDF: the benchmark
/// builds the platform's services itself, so a change in their registration can break it without any other test noticing.
/// </summary>
public sealed class BenchIngestTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _corpus = Path.Combine(Path.GetTempPath(), $"kp-bench-corpus-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_corpus, recursive: true);

    [Fact]
    public async Task Bench_ingest_runs_a_corpus_and_a_pdf_through_the_pipeline_and_prints_the_ratio_to_the_encoder_alone()
    {
        Directory.CreateDirectory(_corpus);
        await File.WriteAllLinesAsync(Path.Combine(_corpus, "corpus.jsonl"), Enumerable.Range(0, 6).Select(i => JsonSerializer.Serialize(new
        {
            _id = $"d{i}",
            title = $"Dosing note {i}",
            text = $"Adults take 500 mg to 1 g of paracetamol every four to six hours, at most 4 g in a day (note {i}).",
        })), _ct);

        var (exitCode, output) = await KpAsync("bench", "ingest", "--corpus", _corpus, "--pdf-pages", "2", "--rounds", "2", "--compare", "4");

        Assert.True(exitCode == 0, output);
        Assert.Contains("6 (6 chunks", output); // every document ready, one chunk each
        Assert.Contains("corpus end to end / encoder alone", output);
        Assert.Contains("2-page PDF ready after", output);
        Assert.Contains("1.00×", output); // the encoder comparison's first row, against which the others are given
    }

    private async Task<(int ExitCode, string Output)> KpAsync(params string[] args)
    {
        var assembly = Path.GetFullPath(typeof(BenchIngestTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliAssembly").Value!);
        var start = new ProcessStartInfo("dotnet", [assembly, .. args])
        {
            WorkingDirectory = _corpus,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["DOTNET_ENVIRONMENT"] = "Production" },
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
}
