using System.Collections.Concurrent;
using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// The llama.cpp native library, configured once per process before its first use: its log goes to our
/// logger (Debug level; errors as warnings) and the last errors are kept to explain a failed load, since
/// llama.cpp reports the real reason only in its log.
/// </summary>
internal static class LlamaRuntime
{
    private static readonly Lock Gate = new();
    private static readonly ConcurrentQueue<string> RecentProblems = new();
    private static readonly ThreadLocal<StringBuilder> Pending = new(() => new StringBuilder());
    private static bool _configured;
    private static ILogger _logger = NullLogger.Instance;

    public static void EnsureConfigured(ILogger logger)
    {
        lock (Gate)
        {
            _logger = logger;
            if (_configured) return;
            _configured = true;
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded) NativeLibraryConfig.All.WithLogCallback(OnLog);
        }
    }

    /// <summary>llama.cpp's warnings and errors since <paramref name="since"/> was taken, oldest first.</summary>
    public static string ProblemsSince(int since) => string.Join(" ", RecentProblems.Skip(Math.Max(0, since - Dropped)).Take(10));

    public static int Mark => Dropped + RecentProblems.Count;

    private static int Dropped;

    private static void OnLog(LLamaLogLevel level, string message)
    {
        var line = Pending.Value!;
        line.Append(message);
        if (!message.EndsWith('\n')) return;
        var text = line.ToString().TrimEnd();
        line.Clear();
        if (text.Length == 0) return;
        if (level is LLamaLogLevel.Error or LLamaLogLevel.Warning)
        {
            RecentProblems.Enqueue(text);
            while (RecentProblems.Count > 50 && RecentProblems.TryDequeue(out _)) Interlocked.Increment(ref Dropped);
        }
        _logger.Log(level == LLamaLogLevel.Error ? LogLevel.Warning : LogLevel.Debug, "llama.cpp: {Message}", text);
    }
}
