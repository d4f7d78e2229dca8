namespace Voicebot.Bench.Streams;

/// <summary>
/// Silo-wide sink of the probe grains (a DI singleton): forwards each item to the current <see cref="RunRecording"/>.
/// Thread-safe: grains of different calls record concurrently.
/// </summary>
public sealed class LatencyRecorder
{
    private RunRecording? _current;

    public RunRecording Begin(int runId, int capacity)
    {
        var recording = new RunRecording(runId, capacity);
        Volatile.Write(ref _current, recording);
        return recording;
    }

    public void End() => Volatile.Write(ref _current, null);

    public void Record(BenchMedia media, long receivedTimestamp, bool inOrder)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (Volatile.Read(ref _current) is { } recording && recording.RunId == media.RunId)
        {
            recording.Record(media, receivedTimestamp, inOrder);
        }
    }
}
