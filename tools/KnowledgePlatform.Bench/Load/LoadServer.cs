using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KnowledgePlatform.Cli;

namespace KnowledgePlatform.Bench.Load;

/// <summary>
/// The server under load: either one already running (<c>--url</c>), or a child process of
/// KnowledgePlatform.Server.dll with the demo tenants and the samples in a temp data folder, so its memory
/// can be sampled apart from the load generator's.
/// </summary>
internal sealed class LoadServer : IAsyncDisposable
{
    private readonly Process? _process;

    private LoadServer(Uri address, Process? process) => (Address, _process) = (address, process);

    public Uri Address { get; }

    /// <summary>The server's working set in bytes, or null when it is not our child process.</summary>
    public long? WorkingSet
    {
        get
        {
            if (_process is null || _process.HasExited) return null;
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public static LoadServer Existing(Uri address) => new(address, null);

    /// <summary>Starts the server on a free loopback port and waits until /health/ready (demo samples ingested).</summary>
    public static async Task<LoadServer> StartAsync(string serverDll, string dataPath, string samples, IReadOnlyDictionary<string, string> settings, TimeSpan readyTimeout, CancellationToken ct)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [serverDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
        };
        var all = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__DataPath"] = dataPath,
            ["Demo__SamplesPath"] = samples,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (k, v) in settings) all[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        foreach (var (k, v) in all) start.Environment[k] = v;
        var process = Process.Start(start) ?? throw new CliException("The server could not be started.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new LoadServer(new Uri($"http://127.0.0.1:{port}/"), process);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + readyTimeout;
        while (true)
        {
            if (process.HasExited)
                throw new CliException($"The server exited with code {process.ExitCode}:\n{string.Join('\n', log.TakeLast(20))}");
            try
            {
                using var ready = await http.GetAsync("health/ready", ct);
                if (ready.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // busy ingesting the samples
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new CliException($"The server was not ready within {readyTimeout.TotalMinutes:0} minutes.");
            }
            await Task.Delay(500, ct);
        }
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> log, string? line)
    {
        if (line is null) return;
        log.Enqueue(line);
        while (log.Count > 200) log.TryDequeue(out _);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the child process gracefully (SIGTERM), or kills it after 30 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            SendTerminate(_process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private static void SendTerminate(int pid)
    {
        if (OperatingSystem.IsWindows())
        {
            Process.GetProcessById(pid).Kill();
            return;
        }
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit();
    }

    /// <summary>KnowledgePlatform.Server.dll built next to this kp-bench (same configuration), found from the repository root.</summary>
    public static string FindServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        foreach (var root in Ancestors())
        {
            foreach (var config in new[] { configuration, configuration == "Release" ? "Debug" : "Release" })
            {
                var candidate = Path.Combine(root, "src", "KnowledgePlatform.Server", "bin", config, "net10.0", "KnowledgePlatform.Server.dll");
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new CliException("KnowledgePlatform.Server.dll was not found: build it (dotnet build -c Release src/KnowledgePlatform.Server) or pass --server <DLL>.");
    }

    /// <summary>The samples folder of the repository (medical/ and customer-service/).</summary>
    public static string FindSamples() =>
        Ancestors().Select(d => Path.Combine(d, "samples")).FirstOrDefault(d => Directory.Exists(Path.Combine(d, "medical")))
        ?? throw new CliException("No samples/ folder found above the current folder; pass --samples <DIR>.");

    private static IEnumerable<string> Ancestors()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent) yield return dir.FullName;
        }
    }
}
