using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// A logger provider that keeps the server's warnings and errors (with their exceptions) so a test can assert
/// that nothing failed unhandled. Give it to <see cref="PlatformHost"/>.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    /// <summary>Errors and criticals, and anything logged with an exception: what an unhandled failure leaves behind.</summary>
    public IReadOnlyList<Entry> Failures => _entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
