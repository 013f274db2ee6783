using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// The server as its own process (`dotnet KnowledgePlatform.Server.dll`) on a loopback port chosen up front, so it can be
/// stopped (SIGTERM, as an orchestrator does) and started again on the same address: a replica in a test.
/// </summary>
public sealed class ServerProcess(IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public int Port { get; } = LoopbackPort.Free();

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>What the process printed (warnings and errors), for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (apiKey is not null) client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Starts the process and waits until /health/ready answers 200.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var assembly = Path.GetFullPath(typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!);
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/');
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Demo__Enabled"] = "false";
        foreach (var (key, value) in environment) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var ready = await probe.GetAsync("/health/ready", ct);
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // slow to answer while starting
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The server did not become ready:\n{Output}");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Stops the process as an orchestrator does: SIGTERM, then waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
