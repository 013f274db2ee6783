using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

[assembly: AssemblyFixture(typeof(KnowledgePlatform.IntegrationTests.Support.PostgresServer))]

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// A throwaway PostgreSQL server for the whole test run, from the machine's own binaries: initdb into a
/// temp folder, pg_ctl start on a free loopback port, stopped and deleted at the end. As root (CI) it
/// runs as the "postgres" system user, since initdb refuses root. Tests get one database each.
/// Without binaries the PostgreSQL tests skip with the reason, or fail when CI=true.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _folder;
    private string? _bin;
    private bool _asPostgresUser;
    private NpgsqlDataSource? _admin;

    /// <summary>Why the server is not there, or null when it runs.</summary>
    public string? Unavailable { get; private set; }

    public int Port { get; private set; }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async ValueTask InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            Unavailable = "PostgreSQL binaries (initdb, pg_ctl) were not found in $KP_POSTGRES_BIN, on PATH or in /usr/lib/postgresql/*/bin; install them with `apt-get install -y postgresql`.";
            return;
        }
        try
        {
            await StartAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or NpgsqlException)
        {
            Unavailable = $"The test PostgreSQL server did not start: {ex.Message}";
        }
    }

    /// <summary>Skips the calling test (or fails it in CI) when there is no server.</summary>
    public void Require()
    {
        if (Unavailable is null) return;
        if (InCi) throw new InvalidOperationException($"PostgreSQL is required in CI. {Unavailable}");
        Assert.Skip($"skipped: no PostgreSQL. {Unavailable}");
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        Require();
        await using (var create = _admin!.CreateCommand($"CREATE DATABASE \"{name}\""))
            await create.ExecuteNonQueryAsync(ct);
        return ConnectionString(name);
    }

    public async Task DropDatabaseAsync(string name)
    {
        if (_admin is null) return;
        // FORCE ends the connections still pooled by the test's hosts.
        await using var drop = _admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, MaxPoolSize = 20 }.ToString();

    private async Task StartAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "kp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        _asPostgresUser = Environment.UserName == "root";
        if (_asPostgresUser) await RunAsync("chown", "postgres", _folder);

        Port = LoopbackPort.Free();
        var data = Path.Combine(_folder, "data");
        await RunPostgresToolAsync("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        await StartServerAsync();
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    private Task StartServerAsync()
    {
        var settings = $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        return RunPostgresToolAsync("pg_ctl", "-D", Path.Combine(_folder!, "data"), "-o", settings, "-l", Path.Combine(_folder!, "log"), "-w", "-t", "60", "start");
    }

    /// <summary>
    /// Stops the server as an administrator's restart does (fast: clients are disconnected, open transactions
    /// rolled back), keeps it down for <paramref name="downtime"/>, and starts it again on the same port.
    /// Only for a server of the test's own: the run's shared one serves other tests at the same time.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        Require();
        await RunPostgresToolAsync("pg_ctl", "-D", Path.Combine(_folder!, "data"), "-m", "fast", "-w", "stop");
        await Task.Delay(downtime);
        await StartServerAsync();
        // The pooled admin connections died with the old server.
        if (_admin is not null) await _admin.DisposeAsync();
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null) await _admin.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_folder is null) return;
        if (Unavailable is null && _bin is not null)
        {
            try
            {
                await RunPostgresToolAsync("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed below either way.
            }
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RunPostgresToolAsync(string tool, params string[] args)
    {
        var path = Path.Combine(_bin!, tool);
        return _asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}{await output}");
    }

    /// <summary>$KP_POSTGRES_BIN if set, else initdb on PATH, else the newest /usr/lib/postgresql/N/bin (Debian keeps it off PATH).</summary>
    private static string? FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("KP_POSTGRES_BIN") is { Length: > 0 } configured)
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        if (onPath is not null) return onPath;
        const string debian = "/usr/lib/postgresql";
        if (!Directory.Exists(debian)) return null;
        return Directory.EnumerateDirectories(debian)
            .Select(dir => (Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0, Bin: Path.Combine(dir, "bin")))
            .Where(x => File.Exists(Path.Combine(x.Bin, "initdb")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

}
