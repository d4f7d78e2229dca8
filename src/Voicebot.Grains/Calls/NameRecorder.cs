using Voicebot.Abstractions.Calls;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The caller's name being recorded: asked for by the conversation, opened once the bot has finished talking, limited in
/// time on the call clock, and kept as a clip file when a voice was heard. Not thread-safe (the grain's).
/// </summary>
internal sealed class NameRecorder(CallOptions options, NameClipFiles clips, CallTimers timers)
{
    /// <summary>A recording asked for, opened once the prompts have played.</summary>
    public StartRecording? Pending { get; set; }

    /// <summary>The recording in progress.</summary>
    public CallerRecording? Open { get; private set; }

    /// <summary>Opens the pending recording, with its limit running. Returns false when none is pending or one is open.</summary>
    public bool TryOpen(int sampleRate)
    {
        if (Pending is not { } request || Open is not null)
        {
            return false;
        }

        Open = new CallerRecording(request, options, sampleRate);
        timers.StartRecordingLimit(request.MaxDuration);
        return true;
    }

    /// <summary>Closes the open recording (or forgets the pending one) and its limit; returns what was asked for.</summary>
    public StartRecording? Close()
    {
        var request = Open?.Request ?? Pending;
        Open = null;
        Pending = null;
        timers.CancelRecordingLimit();
        return request;
    }

    /// <summary>Which caller frames the gateway should publish: more around the voice while a name is recorded.</summary>
    public InboundAudioDemand Demand(InboundAudioDemand nearVoice) =>
        Open is { } open ? CallAudioDemands.Recording(nearVoice, options, open.Request) : nearVoice;

    /// <summary>Writes a closed recording's clip when a voice was heard in it; returns its path, or null.</summary>
    public Task<string?> SaveAsync(Guid callId, CallerRecording recording, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var pcm = recording.ToArray();
        return recording.HeardSpeech && pcm.Length > 0
            ? clips.WriteAsync(callId, recording.Request.Slot, pcm, recording.SampleRate, now)
            : Task.FromResult<string?>(null);
    }
}
