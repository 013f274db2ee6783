using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// The server started as `dotnet …/bin/…/KnowledgePlatform.Server.dll` in the Production environment, from another
/// working directory: it finds its settings beside the program, and serves the portal's styles and scripts with their
/// content (they live in NuGet packages and the project's wwwroot until the app is published).
/// </summary>
public sealed partial class BuildOutputTests : IAsyncDisposable
{
    private readonly string _folder = PlatformHost.NewDataPath();
    private Process? _server;

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [GeneratedRegex("(?:href|src)=\"([^\"]+\\.(?:css|js))\"")]
    private static partial Regex AssetReference();

    [Fact]
    public async Task The_build_output_started_in_production_serves_the_portals_styles_and_scripts_with_their_content()
    {
        var ct = TestContext.Current.CancellationToken;
        var assembly = Path.GetFullPath(typeof(BuildOutputTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!);
        Directory.CreateDirectory(_folder);
        var port = LoopbackPort.Free();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Demo__Enabled"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        _server.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string? page = null;
        while (page is null)
        {
            Assert.False(_server.HasExited, "The server stopped: " + string.Join("\n", log));
            Assert.True(DateTime.UtcNow < deadline, "The server did not answer: " + string.Join("\n", log));
            try
            {
                using var response = await http.GetAsync("/portal/login", ct);
                if (response.StatusCode == HttpStatusCode.OK) page = await response.Content.ReadAsStringAsync(ct);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250, ct);
            }
        }

        // Its data folder is the working directory's ./data, as documented.
        Assert.True(Directory.Exists(Path.Combine(_folder, "data")));
        var assets = AssetReference().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.Contains("bootstrap.blazor.bundle.min", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith("blazor.web.js", StringComparison.Ordinal));
        // The source view's own script and pdf.js come from the project's wwwroot (decision 146).
        foreach (var asset in assets.Concat(["portal/source-view.js", "lib/pdfjs/pdf.min.mjs", "lib/pdfjs/pdf.worker.min.mjs"]))
        {
            using var response = await http.GetAsync("/" + asset.TrimStart('/'), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await response.Content.ReadAsByteArrayAsync(ct)).Length > 1000, $"{asset} came back empty");
        }
    }
}
