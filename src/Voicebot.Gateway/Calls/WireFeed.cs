using Voicebot.Audio;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// A call's side of the native wire sender: whole frames are queued for it up to a lead ahead of the wire, and the
/// ledger keeps what each becomes once the sender reports it written (echo reference, recording, playback finished),
/// so those follow the wire, not the queue. Used under the session's lock; <see cref="Stats"/> from any thread.
/// </summary>
internal sealed class WireFeed
{
    private readonly PlaybackQueue _playback;
    private readonly CallSessionLifecycle _lifecycle;
    private readonly OutboundAudioTrail _trail;
    private readonly PlaybackFinishedReports? _finished;
    private readonly int _frameBytes;
    private readonly int _lead;
    private readonly byte[] _frame;
    private WireSlot? _slot;
    private ulong _accountedAudio;
    private ulong _accountedSilence;
    private WireSlotStats _seen;
    private bool _hangupSent;

    /// <param name="slot">The call's queue in the sender.</param>
    /// <param name="lead">Frames queued ahead of the wire at most (capped at half the slot's capacity).</param>
    /// <param name="frameBytes">Payload bytes of one frame.</param>
    /// <param name="kind">The kind of every audio frame.</param>
    /// <param name="playback">Where the frames come from.</param>
    /// <param name="lifecycle">Says when the hang-up is queued, and is told.</param>
    /// <param name="trail">Where the frames the sender wrote go.</param>
    /// <param name="finished">Told each playback whose last frame the sender wrote; <see langword="null"/> for a refused call.</param>
    public WireFeed(
        WireSlot slot,
        int lead,
        int frameBytes,
        AudioSocketKind kind,
        PlaybackQueue playback,
        CallSessionLifecycle lifecycle,
        OutboundAudioTrail trail,
        PlaybackFinishedReports? finished)
    {
        _slot = slot;
        _lead = Math.Min(lead, slot.Capacity / 2);
        _frameBytes = frameBytes;
        _frame = new byte[AudioSocketFrameReader.HeaderSize + frameBytes];
        AudioSocketFrameWriter.WriteHeader(_frame, kind, frameBytes);
        _playback = playback;
        _lifecycle = lifecycle;
        _trail = trail;
        _finished = finished;
        Ledger = new WireLedger(2 * slot.Capacity, frameBytes, keepPayloads: trail.Recorder is not null);
    }

    /// <summary>The frames queued and not yet reported written.</summary>
    public WireLedger Ledger { get; }

    /// <summary>Whether the slot is still the call's (until <see cref="Release"/>).</summary>
    public bool IsAttached => _slot is not null;

    /// <summary>What the sender did for this call so far; <see langword="null"/> once released.</summary>
    public WireSlotStats? Stats => Volatile.Read(ref _slot)?.ReadStats();

    /// <summary>Silence the sender wrote while the bot meant to talk (its next frame was not queued in time).</summary>
    public long StarvedFrames => (long)(_slot?.ReadStats().Starved ?? _seen.Starved);

    /// <summary>The hang-up is on the socket (not merely queued).</summary>
    public bool HangupSent
    {
        get
        {
            if (_slot is { } slot)
            {
                _hangupSent |= slot.ReadStats().HangupSent != 0;
            }

            return _hangupSent;
        }
    }

    /// <summary>
    /// The pacer's tick: account for what the sender wrote since the last one (<paramref name="underruns"/>: ticks it
    /// found the socket busy; <paramref name="starved"/>: silence it wrote while the bot meant to talk) and end on its
    /// hang-up or error; the session tops up after.
    /// </summary>
    public PacerWrite Tend(out int underruns, out int starved, out CallSessionEnd? end)
    {
        var stats = _slot!.ReadStats();
        underruns = (int)(stats.Blocked - _seen.Blocked);
        starved = (int)(stats.Starved - _seen.Starved);
        Account(stats);
        _seen = stats;
        end = null;
        if (stats.Error != 0)
        {
            end = CallSessionEnd.TransportClosed;
            return PacerWrite.Closed;
        }

        if (stats.HangupSent != 0)
        {
            _hangupSent = true;
            end = _lifecycle.HangupOutcome;
            return PacerWrite.Written;
        }

        return underruns > 0 ? PacerWrite.Underrun : starved > 0 ? PacerWrite.Starved : PacerWrite.Written;
    }

    /// <summary>
    /// The frames the sender wrote up to <paramref name="stats"/>, in the order they went out (queued audio, then the
    /// silence it wrote when none was queued), go into the trail; then the playbacks whose last frame is out are
    /// reported finished.
    /// </summary>
    public void Account(in WireSlotStats stats)
    {
        for (var audio = stats.AudioSent - _accountedAudio; audio > 0; audio--)
        {
            if (!Ledger.TryTakeWritten(out var payload, out var level, out var startsAt))
            {
                break;
            }

            _trail.Written(payload, level, startsAt);
        }

        for (var silence = stats.SilenceSent - _accountedSilence; silence > 0 && _trail.KeepsLevels; silence--)
        {
            _trail.SilenceWritten();
        }

        _accountedAudio = stats.AudioSent;
        _accountedSilence = stats.SilenceSent;
        while (Ledger.TryTakeFinished(out var id))
        {
            _finished?.Finished(id);
        }
    }

    /// <summary>The trail up to the wire now (a barge-in compares the caller with what was on the wire at its flush).</summary>
    public void AccountNow()
    {
        if (_slot is { } slot)
        {
            Account(slot.ReadStats());
        }
    }

    /// <summary>
    /// Queues frames until the sender holds the lead: audio while whole frames are available (a streamed phrase waits
    /// for its next chunk rather than going out padded: the sender's silence covers a late chunk), then the hang-up
    /// once the lifecycle says so. No-op once released or once the hang-up is queued.
    /// </summary>
    /// <returns><see langword="false"/> when it did nothing.</returns>
    public bool TopUp()
    {
        if (_slot is not { } slot || _lifecycle.Phase > CallSessionPhase.Draining)
        {
            return false;
        }

        var queued = (int)slot.ReadStats().Queued;
        var room = Math.Min(slot.Room, Ledger.Room);
        while (queued < _lead && room > 0)
        {
            var hasAudio = _playback.HasAudio();
            if (_lifecycle.HangsUpNow(hasAudio))
            {
                slot.TryPush(AudioSocketFrameWriter.Hangup.Span);
                _lifecycle.HangupWritten();
                break;
            }

            // Draining, the last frame goes padded: nothing more will come to fill it.
            if (!hasAudio || !_playback.HasWholeFrame(_frameBytes) && _lifecycle.Phase != CallSessionPhase.Draining)
            {
                break;
            }

            var payload = _frame.AsSpan(AudioSocketFrameReader.HeaderSize, _frameBytes);
            Ledger.Filling = true;
            var filled = _playback.Fill(payload);
            Ledger.Filling = false;
            Ledger.Add(payload, filled > 0 ? PcmLevel.Rms(payload) : 0, slot.StartOfQueued(queued));
            slot.TryPush(_frame);
            queued++;
            room--;
        }

        return true;
    }

    /// <summary>Tells the sender whether the bot means to be talking (an empty ring is then a starved frame).</summary>
    public void SetPlaying(bool playing) => _slot?.SetPlaying(playing);

    /// <summary>Drops what the sender had not started writing; returns how many frames.</summary>
    public int Flush()
    {
        if (_slot is not { } slot)
        {
            return 0;
        }

        var flushed = slot.Flush();
        Ledger.DropNewest(flushed);
        return flushed;
    }

    /// <summary>
    /// Lets go of the slot: what the sender wrote since the pacer's last tick is accounted for first, or the caller's
    /// last frames before a hang-up would be missing from the recording (and the echo reference). When this returns
    /// the sender no longer touches the socket, which the connection may close.
    /// </summary>
    public void Release()
    {
        if (_slot is not { } slot)
        {
            return;
        }

        var stats = slot.ReadStats();
        Account(stats);
        _hangupSent |= stats.HangupSent != 0;
        slot.Remove();
        Volatile.Write(ref _slot, null);
    }
}
