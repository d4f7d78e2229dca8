using System.Threading.Channels;
using Voicebot.Protocol;
using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>
/// What the simulated caller hears: keeps the bot's audio frames, tells when a prompt has finished, and records the
/// messages real Asterisk would reject. Fed by the receive loop; read from any thread.
/// </summary>
internal sealed class BotListener : IAudioSocketInboundReceiver
{
    private const string AsteriskAccepts = "Asterisk accepts only 0x00 (hangup) and audio 0x10–0x18 and would drop the call.";

    private readonly SimulatedCallerOptions _options;
    private readonly long _origin;
    private readonly Action<CallEndReason> _end;
    private readonly Lock _gate = new();
    private readonly List<ReceivedFrame> _received = [];
    private readonly List<string> _violations = [];
    private readonly BotSpeechDetector _detector;
    private readonly Channel<ReceivedFrame>? _botAudio;
    private TimeSpan _lastLoudAt;
    private bool _spokeSinceMark;

    /// <param name="options">The caller's options (detector thresholds, live audio, violations).</param>
    /// <param name="origin">When the call connected (timestamp of <see cref="SimulatedCallerOptions.TimeProvider"/>).</param>
    /// <param name="end">Ends the call (the bot hung up, or broke the protocol).</param>
    public BotListener(SimulatedCallerOptions options, long origin, Action<CallEndReason> end)
    {
        _options = options;
        _origin = origin;
        _end = end;
        _detector = new BotSpeechDetector(options.BotSpeechRmsThreshold, options.BotSilenceToFinish);
        if (options.PublishBotAudio)
        {
            _botAudio = Channel.CreateUnbounded<ReceivedFrame>(new UnboundedChannelOptions { SingleWriter = true });
        }
    }

    public int PromptsFinished
    {
        get
        {
            lock (_gate)
            {
                return _detector.PromptsFinished;
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    public ChannelReader<ReceivedFrame>? BotAudio => _botAudio?.Reader;

    /// <summary>Forgets that the bot spoke: the next prompt to wait for starts after now.</summary>
    public void ConsumePrompts()
    {
        lock (_gate)
        {
            _spokeSinceMark = false;
        }
    }

    /// <summary>
    /// True (and consumed) when the bot has spoken since the mark and then been quiet for <paramref name="quietNeeded"/>
    /// at <paramref name="now"/>, or the call has ended after it spoke.
    /// </summary>
    public bool TryConsumeFinishedPrompt(bool ended, TimeSpan now, TimeSpan quietNeeded)
    {
        lock (_gate)
        {
            if (_spokeSinceMark && (ended || now - _lastLoudAt >= quietNeeded))
            {
                _spokeSinceMark = false;
                return true;
            }

            return false;
        }
    }

    public IReadOnlyList<ReceivedFrame> GetReceivedFrames()
    {
        lock (_gate)
        {
            return [.. _received];
        }
    }

    public byte[] GetReceivedAudio()
    {
        lock (_gate)
        {
            var length = 0;
            foreach (var frame in _received)
            {
                length += frame.Pcm.Length;
            }

            var audio = new byte[length];
            var offset = 0;
            foreach (var frame in _received)
            {
                frame.Pcm.Span.CopyTo(audio.AsSpan(offset));
                offset += frame.Pcm.Length;
            }

            return audio;
        }
    }

    /// <summary>The receive loop met bytes that are not an AudioSocket message.</summary>
    public void OnUnreadableMessage(Exception error) => RecordViolation($"{error.Message} {AsteriskAccepts}");

    /// <summary>The call has ended: closes the last prompt and the live audio.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            _detector.Finish();
        }
    }

    public void CompleteBotAudio() => _botAudio?.Writer.TryComplete();

    public bool OnHangup(long receivedAt)
    {
        _end(CallEndReason.BotHungUp);
        return false;
    }

    public bool OnOtherMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt) =>
        OnViolation($"The bot sent a message of kind 0x{(byte)kind:X2} ({kind}, {payload.Length} bytes); {AsteriskAccepts}");

    public bool OnAudio(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt)
    {
        if (payload.IsEmpty || payload.Length % 2 != 0)
        {
            return OnViolation($"The bot sent an audio message (0x{(byte)kind:X2}) of {payload.Length} bytes; Asterisk rejects empty audio and needs whole 16-bit samples.");
        }

        var received = new ReceivedFrame(_options.TimeProvider.GetElapsedTime(_origin, receivedAt), kind, payload.ToArray());
        var duration = TimeSpan.FromSeconds(payload.Length / 2.0 / kind.SampleRate());
        lock (_gate)
        {
            _received.Add(received);
            _detector.Add(received.Pcm.Span, duration);
            if (_detector.LastFrameWasSpeech)
            {
                _lastLoudAt = received.ArrivedAt;
                _spokeSinceMark = true;
            }
        }

        _botAudio?.Writer.TryWrite(received);
        return true;
    }

    private bool OnViolation(string message)
    {
        RecordViolation(message);
        if (!_options.HangUpOnProtocolViolation)
        {
            return true;
        }

        _end(CallEndReason.ProtocolViolation);
        return false;
    }

    private void RecordViolation(string message)
    {
        lock (_gate)
        {
            _violations.Add(message);
        }
    }
}
