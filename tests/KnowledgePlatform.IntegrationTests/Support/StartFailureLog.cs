using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// Keeps the exception with which the server's host reported that it failed to start ("Hosting failed to start"), so
/// <see cref="PlatformHost"/> can name the server's own reason when the test factory only sees the host already disposed.
/// </summary>
public sealed class StartFailureLog : ILoggerProvider
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private Exception? _reason;

    /// <summary>Why the host failed to start, once it has said so.</summary>
    public Exception? Reason => Volatile.Read(ref _reason);

    public ILogger CreateLogger(string categoryName) => categoryName == HostCategory ? new Logger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(StartFailureLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && exception is not null) Interlocked.CompareExchange(ref owner._reason, exception, null);
        }
    }
}
