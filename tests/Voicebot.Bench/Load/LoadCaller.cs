using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Voicebot.Gateway.Pacing;
using Voicebot.Protocol;
using Voicebot.Protocol.Client;

namespace Voicebot.Bench.Load;

/// <summary>
/// One simulated caller on a real AudioSocket connection, built to be cheap so one process can play hundreds: the
/// fleet's single clock calls <see cref="Tick"/> every 20 ms (one frame out, the script advanced); one receive loop
/// per call reads the bot's frames, times the gaps between them and notices when the bot starts and stops talking.
/// </summary>
/// <remarks>
/// The script is the SAV flow in speech mode: a name (spoken, then « # »), a phone number typed on the keypad (unique per
/// caller, so its read-back is synthesized), the problem spoken (interrupting the bot on some calls), a pause to try the
/// fix, « oui ça marche » spoken, then the bot's goodbye and hang-up. Speech is a steady tone the recognizer emulator
/// hears as one burst per line. Cross-thread fields are single-writer and read with <see cref="Volatile"/>.
/// Framing and the receive loop are the shared <see cref="AudioSocketClientConnection"/>'s (its blocking loop, on this
/// caller's thread); the pacing is not: the fleet's one clock thread sends every caller's frame in turn, where the
/// connection's paced loop would be one thread-pool timer per call (200 of them), which is not what the bench measures.
/// </remarks>
internal sealed class LoadCaller : IAudioSocketInboundReceiver
{
    private const int FrameBytes = 320;
    private const int FrameSize = AudioSocketFrameReader.HeaderSize + FrameBytes;

    // The receive loop's buffer is then exactly 16 KB, as it always was.
    private const int MaxPayloadBytes = (16 * 1024) - AudioSocketFrameReader.HeaderSize;
    private const int LoudSample = 400;   // the bot's silence frames are zeros; its speech is far above this
    private const double LongGapMilliseconds = 40;

    private static readonly byte[] SilenceFrame = BuildFrame(tone: false);
    private static readonly byte[] ToneFrame = BuildFrame(tone: true);

    private readonly AudioSocketClientConnection _connection;
    private readonly LoadCallerScript _script;
    private readonly long _origin;
    private readonly LatencyHistogram _gaps = new();
    private readonly List<CallerTurn> _turns = [];
    private readonly List<BargeInSample> _bargeIns = [];
    private readonly List<FrameGap> _longGaps = [];
    private readonly byte[] _sendBuffer = new byte[FrameSize + 4];
    private readonly string _phone;

    // Written by the receive loop, read by the clock.
    private long _loudFrames;
    private long _lastLoudAt;
    private long _lastFrameAt;
    private int _botHungUp;
    private int _receiveEnded;

    // Handed from the clock to the receive loop.
    private CallerTurn? _awaitingReply;
    private BargeInSample? _bargeIn;

    // Owned by the clock.
    private int _step;
    private long _stepStartedAt;
    private long _stepMark;
    private int _framesLeft;
    private int _digitIndex;
    private int _speechFrame;
    private string? _failure;

    public LoadCaller(AudioSocketClientConnection connection, Guid callId, int index, LoadCallerScript script)
    {
        _connection = connection;
        CallId = callId;
        Index = index;
        _script = script;
        BargesIn = script.BargeInEvery > 0 && index % script.BargeInEvery == script.BargeInEvery - 1;
        _phone = "06" + (index % 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + "#";
        _origin = Stopwatch.GetTimestamp();
        _stepStartedAt = _origin;
        if (script.ListenFrames > 0)
        {
            _step = (int)Step.Listen;
            _framesLeft = script.ListenFrames;
        }
    }

    public Guid CallId { get; }

    public int Index { get; }

    public bool BargesIn { get; }

    /// <summary>The caller meant to interrupt but the bot's answer ended first.</summary>
    public bool InterruptionSkipped { get; private set; }

    /// <summary>When the call was connected (Stopwatch ticks).</summary>
    public long StartedAt => _origin;

    /// <summary>When the caller stopped (Stopwatch ticks), or 0 while it runs.</summary>
    public long EndedAt { get; private set; }

    public bool Finished => EndedAt != 0;

    /// <summary>Why the call failed from the caller's side, or <see langword="null"/> when it ran its whole script.</summary>
    public string? Failure => _failure;

    public LatencyHistogram Gaps => _gaps;

    public IReadOnlyList<CallerTurn> Turns => _turns;

    public IReadOnlyList<BargeInSample> BargeIns => _bargeIns;

    /// <summary>Every gap over 40 ms between two of the bot's frames: when the previous frame and the next one arrived.</summary>
    public IReadOnlyList<FrameGap> LongGaps => _longGaps;

    /// <summary>
    /// Reads the bot's messages until the connection closes, on a thread of its own: a frame is timed the moment the
    /// kernel hands it over, not when the bench's thread pool (busy with the provider emulators) gets to it — measured,
    /// pool-driven receives counted the bench's own queueing as the product's gaps.
    /// </summary>
    public Task ReceiveAsync(CancellationToken cancellationToken, bool realtime = false)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                using var closing = cancellationToken.Register(static connection => ((AudioSocketClientConnection)connection!).Dispose(), _connection);
                if (realtime)
                {
                    _ = RealtimeScheduling.TryEnterFifo(CallerFleet.RealtimePriority);   // as the fleet's clock; see there
                }

                try
                {
                    Receive();
                }
                finally
                {
                    done.TrySetResult();
                }
            },
            maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "caller-receive",
        };
        thread.Start();
        return done.Task;
    }

    private void Receive()
    {
        try
        {
            var result = _connection.RunReceiveLoop(this, MaxPayloadBytes);
            if (result.End == AudioSocketReceiveEnd.ProtocolViolation)
            {
                Volatile.Write(ref _failure, result.Error!.Message);
            }
        }
        finally
        {
            Volatile.Write(ref _receiveEnded, 1);
        }
    }

    /// <summary>One 20 ms tick of the fleet's clock: sends this call's frame and moves its script on. Never blocks long.</summary>
    public void Tick(long now)
    {
        if (Finished)
        {
            return;
        }

        if (Volatile.Read(ref _receiveEnded) == 1 || Volatile.Read(ref _botHungUp) == 1)
        {
            End(now, _step == (int)Step.WaitHangup ? null : $"bot hung up or closed during {(Step)_step}");
            return;
        }

        var tone = false;
        var digit = '\0';
        Advance(now, ref tone, ref digit);
        if (Finished)
        {
            return;
        }

        var frame = tone ? ToneFrame : SilenceFrame;
        ReadOnlySpan<byte> message = frame;
        if (digit != '\0')
        {
            // Asterisk sends a key as its own message, between audio frames: both go out in one write.
            frame.CopyTo(_sendBuffer, 0);
            AudioSocketFrameWriter.Write(_sendBuffer.AsSpan(FrameSize), AudioSocketKind.Dtmf, [(byte)digit]);
            message = _sendBuffer;
        }

        try
        {
            _connection.Send(message);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // After the goodbye the bot hangs up and closes: a write racing its hang-up message is the normal end.
            End(now, (Step)_step == Step.WaitHangup ? null : "send failed: " + ex.Message);
        }
    }

    /// <summary>Hangs up from the caller's side (end of the step, or the bench stopping).</summary>
    public void Abort(long now, string reason)
    {
        if (!Finished)
        {
            End(now, reason);
        }
    }

    private void Advance(long now, ref bool tone, ref char digit)
    {
        switch ((Step)_step)
        {
            case Step.WaitWelcome:
            case Step.WaitAskPhone:
            case Step.WaitAskProblem:
            case Step.WaitAskFixed:
                if (HeardPromptEnd(now, (Step)_step == Step.WaitAskFixed ? _script.LongPromptSilence : _script.PromptSilence))
                {
                    Next(now, _script.ReactionPause);
                }

                break;
            case Step.PauseBeforeName:
            case Step.PauseBeforePhone:
            case Step.PauseBeforeProblem:
            case Step.PauseBeforeYes:
            case Step.PauseBeforeHash:
                if (--_framesLeft <= 0)
                {
                    Next(now);
                }

                break;
            case Step.SayName:
            case Step.SayProblem:
            case Step.SayYes:
                tone = Speak(now);
                break;
            case Step.PressHash:
                digit = '#';
                ExpectReply(now, "dtmf");
                Next(now);
                break;
            case Step.TypePhone:
                if (--_framesLeft <= 0)
                {
                    digit = _phone[_digitIndex++];
                    _framesLeft = _script.DigitFrames;
                    if (_digitIndex == _phone.Length)
                    {
                        ExpectReply(now, "dtmf");
                        Next(now);
                    }
                }

                break;
            case Step.WaitToInterrupt:
                // Interrupt once the bot has talked for a while in its answer, while it is still talking.
                if (Volatile.Read(ref _loudFrames) - _stepMark >= _script.InterruptAfterFrames && Elapsed(Volatile.Read(ref _lastLoudAt), now) < 0.05)
                {
                    Volatile.Write(ref _bargeIn, new BargeInSample { StartedAt = now });
                    Next(now);
                    tone = Speak(now);
                }
                else if (HeardPromptEnd(now, _script.PromptSilence))
                {
                    InterruptionSkipped = true;   // the answer was too short to interrupt: answer after it instead
                    Next(now, _script.ReactionPause, skipTo: Step.PauseBeforeProblem);
                }

                break;
            case Step.WaitHangup:
                break;
            case Step.Listen:
                if (--_framesLeft <= 0)
                {
                    End(now, null);
                    return;
                }

                break;
        }

        if ((Step)_step is not (Step.WaitHangup or Step.PauseBeforeYes or Step.Listen) && Elapsed(_stepStartedAt, now) > _script.StepTimeout.TotalSeconds)
        {
            End(now, $"no progress in {(Step)_step} for {_script.StepTimeout.TotalSeconds:0} s");
        }
        else if ((Step)_step == Step.WaitHangup && Elapsed(_stepStartedAt, now) > _script.StepTimeout.TotalSeconds)
        {
            End(now, "the bot did not hang up after its goodbye");
        }
    }

    private bool Speak(long now)
    {
        var step = (Step)_step;
        var frames = step switch
        {
            Step.SayName => _script.NameFrames,
            Step.SayProblem => _script.ProblemFrames,
            _ => _script.YesFrames,
        };

        _speechFrame++;
        if (Volatile.Read(ref _bargeIn) is { } bargeIn && _speechFrame == _script.DetectorFrames)
        {
            bargeIn.DetectorSatisfiedAt = now;
        }

        if (_speechFrame < frames)
        {
            return true;
        }

        // Last speech frame goes out now: the caller's input ends here.
        _speechFrame = 0;
        if (Interlocked.Exchange(ref _bargeIn, null) is { } done)
        {
            done.CallerStoppedAt = now;
            _bargeIns.Add(done);
        }

        if (step != Step.SayName)
        {
            ExpectReply(now, "speech");
        }

        Next(now);
        return true;
    }

    private void ExpectReply(long now, string kind)
    {
        var turn = new CallerTurn(kind, now);
        _turns.Add(turn);
        Volatile.Write(ref _awaitingReply, turn);
    }

    private bool HeardPromptEnd(long now, double silenceSeconds) =>
        Volatile.Read(ref _loudFrames) > _stepMark && Elapsed(Volatile.Read(ref _lastLoudAt), now) >= silenceSeconds;

    private void Next(long now, int pauseFrames = 0, Step? skipTo = null)
    {
        var next = skipTo ?? (Step)(_step + 1);
        if (next == Step.WaitToInterrupt && !BargesIn)
        {
            next = Step.WaitAskProblem;
        }
        else if (_step == (int)Step.WaitToInterrupt && skipTo is null)
        {
            next = Step.SayProblem;   // interrupting: the problem is said over the bot
        }

        _step = (int)next;
        _stepStartedAt = now;
        _stepMark = Volatile.Read(ref _loudFrames);
        _framesLeft = next switch
        {
            Step.PauseBeforeYes => _script.ThinkFrames,
            Step.PauseBeforeHash => _script.HashPauseFrames,
            Step.TypePhone => 1,
            _ => pauseFrames,
        };
    }

    bool IAudioSocketInboundReceiver.OnAudio(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (kind == AudioSocketKind.Audio)
        {
            OnAudio(payload, receivedAt);
        }

        return true;
    }

    bool IAudioSocketInboundReceiver.OnHangup(long receivedAt)
    {
        Volatile.Write(ref _botHungUp, 1);
        return true;   // read on until the bot closes, as the clock ends the call
    }

    bool IAudioSocketInboundReceiver.OnOtherMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt) => true;

    private void OnAudio(ReadOnlySpan<byte> payload, long now)
    {
        if (_lastFrameAt != 0)
        {
            var gap = (now - _lastFrameAt) * 1000.0 / Stopwatch.Frequency;
            _gaps.Record(gap);
            if (gap > LongGapMilliseconds)
            {
                _longGaps.Add(new FrameGap(_lastFrameAt, now));   // rare: kept to find out whose stall it was
            }
        }

        _lastFrameAt = now;
        if (IsLoud(payload))
        {
            if (Elapsed(Volatile.Read(ref _lastLoudAt), now) > 0.03 && Interlocked.Exchange(ref _awaitingReply, null) is { } turn)
            {
                turn.FirstReplyAt = now;   // the bot starts talking: the answer to the caller's last input
            }

            Volatile.Read(ref _bargeIn)?.BotLoudAt(now);
            Volatile.Write(ref _lastLoudAt, now);
            Interlocked.Increment(ref _loudFrames);
        }
    }

    private static bool IsLoud(ReadOnlySpan<byte> payload)
    {
        var samples = MemoryMarshal.Cast<byte, short>(payload);
        foreach (var sample in samples)
        {
            if (sample is > LoudSample or < -LoudSample)
            {
                return true;
            }
        }

        return false;
    }

    private void End(long now, string? failure)
    {
        _failure ??= failure;
        EndedAt = now;
        _connection.Close();
    }

    private static double Elapsed(long from, long to) => from == 0 ? double.PositiveInfinity : (to - from) / (double)Stopwatch.Frequency;

    private static byte[] BuildFrame(bool tone)
    {
        var frame = new byte[FrameSize];
        AudioSocketFrameWriter.WriteHeader(frame, AudioSocketKind.Audio, FrameBytes);
        if (tone)
        {
            // 400 Hz at −12 dBFS: exactly 8 periods per frame, so every frame is the same and the tone is seamless.
            for (var i = 0; i < FrameBytes / 2; i++)
            {
                var sample = (short)(8200 * Math.Sin(2 * Math.PI * 400 * i / 8000.0));
                BinaryPrimitives.WriteInt16LittleEndian(frame.AsSpan(3 + (2 * i)), sample);
            }
        }

        return frame;
    }

    private enum Step
    {
        WaitWelcome,
        PauseBeforeName,
        SayName,
        PauseBeforeHash,
        PressHash,
        WaitAskPhone,
        PauseBeforePhone,
        TypePhone,
        WaitToInterrupt,
        WaitAskProblem,
        PauseBeforeProblem,
        SayProblem,
        WaitAskFixed,
        PauseBeforeYes,
        SayYes,
        WaitHangup,

        /// <summary>Listen-only: silence out, the server's frames in, until the script's listening time is over.</summary>
        Listen,
    }
}

/// <summary>A gap between two frames heard by a caller: when the one before it and the one after it arrived (Stopwatch ticks).</summary>
internal readonly record struct FrameGap(long From, long To)
{
    /// <summary>
    /// True when <paramref name="stalls"/> (another party's stalls, Stopwatch ticks) cover at least half of what this gap
    /// adds to the 20 ms frame period: that party's stall made the gap.
    /// </summary>
    public bool IsMostlyCoveredBy(IEnumerable<(long Begin, long End)> stalls)
    {
        ArgumentNullException.ThrowIfNull(stalls);
        var excess = To - From - (Stopwatch.Frequency / 50);
        long covered = 0;
        foreach (var (begin, end) in stalls)
        {
            covered += Math.Max(0, Math.Min(end, To) - Math.Max(begin, From));
        }

        return excess > 0 && covered * 2 >= excess;
    }

    /// <summary>
    /// True when none of <paramref name="lateWrites"/> (the product's ticks that wrote late, Stopwatch ticks) touches
    /// this gap or the frame period before it: the product handed both frames to the kernel on time, so the gap arose
    /// after its socket (the kernel, or the caller's own receive thread).
    /// </summary>
    public bool WasWrittenOnTime(IEnumerable<(long Begin, long End)> lateWrites)
    {
        ArgumentNullException.ThrowIfNull(lateWrites);
        var (from, to) = (From - (Stopwatch.Frequency / 50), To);
        return !lateWrites.Any(w => w.Begin <= to && w.End >= from);
    }
}

/// <summary>One caller input and when the bot's answer began, as the caller saw them (Stopwatch ticks).</summary>
internal sealed class CallerTurn(string kind, long inputEndedAt)
{
    public string Kind { get; } = kind;

    public long InputEndedAt { get; } = inputEndedAt;

    private long _firstReplyAt;

    public long FirstReplyAt
    {
        get => Volatile.Read(ref _firstReplyAt);
        set => Volatile.Write(ref _firstReplyAt, value);
    }
}

/// <summary>One interruption: when the caller started, when the detector had heard enough, the bot's last loud frame.</summary>
internal sealed class BargeInSample
{
    private long _lastBotLoudAt;

    public long StartedAt { get; init; }

    public long DetectorSatisfiedAt { get; set; }

    public long CallerStoppedAt { get; set; }

    public long LastBotLoudAt => Volatile.Read(ref _lastBotLoudAt);

    public void BotLoudAt(long now) => Volatile.Write(ref _lastBotLoudAt, now);
}
