using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Voicebot.Gateway.Tests;

/// <summary>Keeps every log entry with its event id and structured state (thread-safe).</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this);

    public void Dispose()
    {
    }

    internal sealed record LogEntry(LogLevel Level, EventId Id, IReadOnlyList<KeyValuePair<string, object?>> State, string Message);

    private sealed class RecordingLogger(RecordingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            provider._entries.Enqueue(new LogEntry(logLevel, eventId, [.. values], formatter(state, exception)));
        }
    }
}
