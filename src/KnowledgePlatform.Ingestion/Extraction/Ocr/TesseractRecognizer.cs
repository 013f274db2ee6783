using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>
/// OCR with the machine's own tools (decision 0081): Poppler's pdftoppm renders the page to a greyscale PNG,
/// tesseract reads it and writes words with their confidence as TSV. Both run as child processes with a
/// time limit, one thread each (OMP_THREAD_LIMIT=1): several ingestion workers share the cores.
/// </summary>
public sealed class TesseractRecognizer(IOptions<OcrOptions> options, ILogger<TesseractRecognizer> logger) : ITextRecognizer
{
    /// <summary>What is installed: the engine's version and its language packs. Looked up again while something is missing.</summary>
    private Task<Installation>? _installation;

    private Task<Installation> InstallationAsync()
    {
        var probe = _installation;
        if (probe is null || (probe.IsCompletedSuccessfully && probe.Result.Missing is not null) || probe.IsFaulted)
            _installation = probe = ProbeAsync(options.Value);
        return probe;
    }

    public async Task<string?> ProblemAsync(string languages, CancellationToken cancellationToken)
    {
        var installed = await InstallationAsync().WaitAsync(cancellationToken);
        if (installed.Missing is { } missing) return missing;
        var absent = languages.Split('+').Where(l => !installed.Languages.Contains(l)).ToList();
        return absent.Count == 0
            ? null
            : $"Tesseract has no language pack for {string.Join(", ", absent)} (installed: {string.Join(", ", installed.Languages.Order())}). "
              + $"Install it on the server that runs ingestion: apt-get install {string.Join(' ', absent.Select(l => "tesseract-ocr-" + l.Replace('_', '-')))}.";
    }

    public async Task<string> EngineAsync(CancellationToken cancellationToken) => (await InstallationAsync().WaitAsync(cancellationToken)).Engine;

    public async Task<RecognizedPage> RecognizeAsync(string pdfPath, int page, string languages, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var folder = Directory.CreateTempSubdirectory("kp-ocr-");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.PageTimeout);
            var image = Path.Combine(folder.FullName, "page");
            var number = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RunAsync(o.PdfToPpmPath, ["-r", o.Dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-gray", "-png", "-f", number, "-l", number, "-singlefile", pdfPath, image], timeout.Token);
            var tsv = await RunAsync(o.TesseractPath, [image + ".png", "stdout", "-l", languages, "--psm", "3", "tsv"], timeout.Token);
            return TesseractTsv.Parse(tsv, page, o.Dpi);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ExtractionException("ocr_timeout", $"Page {page} could not be recognised within {o.PageTimeout.TotalSeconds:0} seconds (Ocr:PageTimeout).");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Runs a tool and returns its standard output; a failure is an extraction error naming the tool and its complaint.</summary>
    private async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["OMP_THREAD_LIMIT"] = "1" },
        };
        using var process = Process.Start(start) ?? throw new ExtractionException("ocr_failed", $"{program} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            var complaint = (await error).Trim();
            logger.LogWarning("{Program} exited with {Code}: {Error}", Path.GetFileName(program), process.ExitCode, complaint);
            throw new ExtractionException("ocr_failed", $"{Path.GetFileName(program)} could not read the page: {complaint[..Math.Min(complaint.Length, 300)]}");
        }

        return await output;
    }

    private static async Task<Installation> ProbeAsync(OcrOptions o)
    {
        const string Install = "apt-get install tesseract-ocr poppler-utils (plus tesseract-ocr-<language> for languages other than English)";
        var version = await TryRunAsync(o.TesseractPath, ["--version"]);
        if (version is null)
        {
            return new Installation("", new HashSet<string>(), $"Tesseract OCR is not installed on the server that runs ingestion ('{o.TesseractPath}' was not found). Install it: {Install}; then retry the document.");
        }

        if (await TryRunAsync(o.PdfToPpmPath, ["-v"]) is null)
        {
            return new Installation("", new HashSet<string>(), $"Poppler's pdftoppm, which renders scanned pages for Tesseract, is not installed on the server that runs ingestion ('{o.PdfToPpmPath}' was not found). Install it: {Install}; then retry the document.");
        }

        var languages = (await TryRunAsync(o.TesseractPath, ["--list-langs"]) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains(' ', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        return new Installation(version.Split('\n')[0].Trim(), languages, null);
    }

    /// <summary>Output and error of a short command, or null when the program is not there.</summary>
    private static async Task<string?> TryRunAsync(string program, IReadOnlyList<string> arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            // tesseract prints its version and language list on stdout or stderr depending on the release.
            return (await output) + (await error);
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private sealed record Installation(string Engine, IReadOnlySet<string> Languages, string? Missing);
}
