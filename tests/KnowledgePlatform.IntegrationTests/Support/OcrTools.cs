using System.Diagnostics;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// The OCR tools of decision 81 on this machine: tesseract and Poppler's pdftoppm. Without them the OCR tests skip
/// with the reason, or fail when CI=true (.ci/run installs them).
/// </summary>
public static class OcrTools
{
    private static readonly Lazy<string?> Missing = new(() =>
        Runs("tesseract", "--version") && Runs("pdftoppm", "-v")
            ? null
            : "tesseract or pdftoppm is not installed; install them with `apt-get install -y tesseract-ocr poppler-utils`.");

    /// <summary>Skips the calling test (or fails it in CI) when the tools are missing.</summary>
    public static void Require()
    {
        if (Missing.Value is not { } why) return;
        if (PostgresServer.InCi) throw new InvalidOperationException($"OCR is required in CI. {why}");
        Assert.Skip($"skipped: no OCR tools. {why}");
    }

    /// <summary>Renders page 1 of a PDF to a greyscale PNG with pdftoppm, as a scanner would produce it.</summary>
    public static async Task<byte[]> RasteriseAsync(byte[] pdf, int dpi, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("kp-scan-");
        try
        {
            var input = Path.Combine(folder.FullName, "page.pdf");
            await File.WriteAllBytesAsync(input, pdf, ct);
            using var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-gray", "-png", "-singlefile", input, Path.Combine(folder.FullName, "page")]))!;
            await process.WaitForExitAsync(ct);
            Assert.Equal(0, process.ExitCode);
            return await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "page.png"), ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static bool Runs(string program, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, [argument]) { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
