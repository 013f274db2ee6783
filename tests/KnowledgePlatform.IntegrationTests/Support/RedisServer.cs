using System.Diagnostics;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// A throwaway redis-server for one test class (no persistence), from the machine's binary ($KP_REDIS_SERVER or
/// redis-server on PATH). Without it the test skips with the reason, or fails when CI=true.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = LoopbackPort.Free();

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(CancellationToken ct)
    {
        var binary = Environment.GetEnvironmentVariable("KP_REDIS_SERVER") ?? FindOnPath("redis-server");
        if (binary is null || !File.Exists(binary))
        {
            const string why = "redis-server was not found ($KP_REDIS_SERVER or PATH); install it with `apt-get install -y redis-server`.";
            if (PostgresServer.InCi) throw new InvalidOperationException($"Redis is required in CI. {why}");
            Assert.Skip($"skipped: no Redis. {why}");
        }
        var server = new RedisServer();
        server._process = Process.Start(new ProcessStartInfo(binary, ["--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        server._process.OutputDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", server.Port, ct);
                return server;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !server._process.HasExited)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
