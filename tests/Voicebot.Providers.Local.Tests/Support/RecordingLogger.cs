using Microsoft.Extensions.Logging;

namespace Voicebot.Providers.Local.Tests.Support;

/// <summary>A thread-safe logger that keeps every entry with its structured arguments.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var arguments = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var entry = new LogEntry(logLevel, eventId, [.. arguments], formatter(state, exception));
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }
}

internal sealed record LogEntry(LogLevel Level, EventId EventId, KeyValuePair<string, object?>[] Arguments, string Message);
