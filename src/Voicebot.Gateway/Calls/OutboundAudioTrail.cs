using Voicebot.Gateway.BargeIn;
using Voicebot.Recordings.Recording;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// What the caller heard of the bot, frame by frame as it went out (from the pacer's pipe, or as the wire sender
/// reports it written): the barge-in echo reference, the recording's bot channel and the last audible frame. Used
/// under the session's lock; <see cref="Frames"/> and <see cref="LastAudibleFrame"/> are read from any thread.
/// </summary>
internal sealed class OutboundAudioTrail(EchoReference? echo)
{
    private long _lastAudibleFrame = -1;

    /// <summary>Records the call; <see langword="null"/> when recordings are off or the call was refused.</summary>
    public CallRecorder? Recorder { get; set; }

    /// <summary>Whether frames' levels are kept (barge-in is on): the level need not be measured otherwise.</summary>
    public bool KeepsLevels => echo is not null;

    /// <summary>Frames written so far (only counted while barge-in is enabled).</summary>
    public long Frames => echo?.Count ?? 0;

    /// <summary>Index (in <see cref="Frames"/>) of the last frame that carried bot audio; -1 before any.</summary>
    public long LastAudibleFrame => Interlocked.Read(ref _lastAudibleFrame);

    /// <summary>A frame the pacer wrote into the socket's pipe: recorded at the recorder's own clock.</summary>
    public void Written(ReadOnlySpan<byte> payload, double level)
    {
        Recorder?.WriteBot(payload);
        AddLevel(level);
    }

    /// <summary>A frame the wire sender wrote, due at <paramref name="startsAt"/>; an empty payload is not recorded.</summary>
    public void Written(ReadOnlySpan<byte> payload, double level, long startsAt)
    {
        if (!payload.IsEmpty)
        {
            Recorder?.WriteBot(payload, startsAt);
        }

        AddLevel(level);
    }

    /// <summary>A frame of the line's silence the wire sender wrote while nothing was queued.</summary>
    public void SilenceWritten() => echo?.Add(0);

    private void AddLevel(double level)
    {
        if (echo is null)
        {
            return;
        }

        if (level > 0)
        {
            Volatile.Write(ref _lastAudibleFrame, echo.Count);
        }

        echo.Add(level);
    }
}
