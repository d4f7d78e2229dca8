using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Gateway.BargeIn;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// The caller's side of a call's session: inbound sequence numbers, which frames the grain needs, and barge-in detection
/// over the bot's playback. A barge-in flushes the bot through the session, is logged once, and is told to the control
/// plane off the read loop. The connection's read loop calls it; the grain sets the demand.
/// </summary>
internal sealed class CallInbound
{
    private readonly Guid _callId;
    private readonly int _sampleRate;
    private readonly ICallControl? _control;
    private readonly ILogger _logger;
    private readonly BargeInDetector? _detector;
    private readonly Func<long, BargeInReaction?> _flushForBargeIn;
    private readonly CancellationToken _callEnded;
    private long _sequence;
    private InboundAudioDemand _demand = InboundAudioDemand.All;
    private BargeInReaction? _lastBargeIn;

    /// <param name="callId">The AudioSocket UUID.</param>
    /// <param name="sampleRate">The call's rate in Hz.</param>
    /// <param name="control">Told of barge-ins; <see langword="null"/> for a refused call (no detection).</param>
    /// <param name="bargeIn">Barge-in settings; detection runs only when enabled and <paramref name="control"/> is set.</param>
    /// <param name="logger">For the barge-in line and control-plane failures.</param>
    /// <param name="flushForBargeIn">
    /// The session's flush for a barge-in completed by an inbound frame (its sequence): what it did, or
    /// <see langword="null"/> when the session no longer takes barge-ins.
    /// </param>
    /// <param name="callEnded">Cancels a barge-in report once the call has ended.</param>
    public CallInbound(
        Guid callId,
        int sampleRate,
        ICallControl? control,
        BargeInOptions? bargeIn,
        ILogger logger,
        Func<long, BargeInReaction?> flushForBargeIn,
        CancellationToken callEnded)
    {
        _callId = callId;
        _sampleRate = sampleRate;
        _control = control;
        _logger = logger;
        _flushForBargeIn = flushForBargeIn;
        _callEnded = callEnded;
        if (control is not null && bargeIn is { Enabled: true })
        {
            _detector = new BargeInDetector(bargeIn, sampleRate);
            Echo = new EchoReference(bargeIn.EchoWindow);
        }
    }

    /// <summary>The levels of the bot's frames as they went out; <see langword="null"/> without barge-in detection.</summary>
    public EchoReference? Echo { get; }

    /// <summary>Which caller frames the grain needs (<see cref="InboundVoiceGate"/>): set by the grain, read by the read loop.</summary>
    public InboundAudioDemand Demand
    {
        get => Volatile.Read(ref _demand);
        set => Volatile.Write(ref _demand, value);
    }

    /// <summary>Barge-ins detected on this call.</summary>
    public long BargeIns => _detector?.BargeIns ?? 0;

    /// <summary>Loud inbound runs over the bot that were only its own echo.</summary>
    public long BargeInsRejectedAsEcho => _detector?.RejectedAsEcho ?? 0;

    /// <summary>Runs of caller speech over the bot too short to interrupt it.</summary>
    public long BargeInsRejectedTooShort => _detector?.RejectedTooShort ?? 0;

    /// <summary>The last barge-in, or <see langword="null"/>.</summary>
    public BargeInReaction? LastBargeIn => Volatile.Read(ref _lastBargeIn);

    /// <summary>Next inbound sequence number, from 0. Called by the connection's read loop only.</summary>
    public long NextSequence() => _sequence++;

    /// <summary>
    /// Runs barge-in detection on one inbound audio frame while the bot is <paramref name="botPlaying"/>. On a barge-in
    /// the bot's queue is flushed before this returns (the next frame out is silence), one line is logged and the
    /// control plane is told without waiting for it. Called by the connection's read loop only. Allocation-free unless
    /// it barges in.
    /// </summary>
    /// <returns><see langword="true"/> when this frame completed a barge-in.</returns>
    public bool OnAudio(long sequence, ReadOnlySpan<byte> pcm, bool botPlaying)
    {
        if (_detector is null)
        {
            return false;
        }

        var echo = botPlaying ? Echo!.Loudest() : 0;
        if (!_detector.Process(pcm, botPlaying, echo))
        {
            return false;
        }

        if (_flushForBargeIn(sequence) is { } reaction)
        {
            Volatile.Write(ref _lastBargeIn, reaction);
            GatewayLog.BargeIn(
                _logger,
                _callId,
                reaction.PlaybackId,
                reaction.InboundSequence,
                reaction.FlushedBytes * 1000 / (2 * _sampleRate));
            _ = ReportBargeInAsync(_control!);
        }

        return true;
    }

    private async Task ReportBargeInAsync(ICallControl control)
    {
        // Off the read loop: the control plane's latency must not delay the next inbound frame.
        await Task.Yield();
        try
        {
            await control.BargeInAsync(_callId, _callEnded);
        }
        catch (OperationCanceledException) when (_callEnded.IsCancellationRequested)
        {
            // The call ended meanwhile; the control plane hears of that instead.
        }
        catch (Exception ex)
        {
            GatewayLog.ControlPlaneFailed(_logger, _callId, "barge-in", ex);
        }
    }
}
