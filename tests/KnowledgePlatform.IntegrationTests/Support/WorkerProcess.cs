using System.Diagnostics;
using System.Reflection;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>KnowledgePlatform.Worker as its own process on a data folder, with short leases, for the crash tests.</summary>
public static class WorkerProcess
{
    /// <summary>Starts the worker; <paramref name="environment"/> adds or overrides its environment variables.</summary>
    public static Process Start(string dataPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var assembly = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerAssembly").Value!;
        var start = new ProcessStartInfo("dotnet", [Path.GetFullPath(assembly)])
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(assembly))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Storage__DataPath"] = dataPath,
                ["Ingestion__Lease"] = "00:00:03",
                ["Ingestion__PollInterval"] = "00:00:00.200",
                ["Logging__LogLevel__Default"] = "Warning",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            },
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
