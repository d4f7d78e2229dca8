using Voicebot.Abstractions.Records;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The timings of a call's turns, for the call record and the latency histograms. A turn opens on the caller's input
/// (speech, keys, silence) and collects the stages of the bot's answer until the next input. Inputs that follow one
/// another with no answer in between (the digits of a phone number) stay one turn, timed from the last of them.
/// Not thread-safe: one per call, used inside the grain.
/// </summary>
internal sealed class TurnTimings(CallMetrics metrics)
{
    private readonly List<TurnTiming> _turns = [];
    private TurnTiming? _open;
    private bool _answered;

    public IReadOnlyList<TurnTiming> Turns => _open is null ? _turns : [.. _turns, _open];

    /// <summary>
    /// The turns with each answer's first frame on the wire, from the gateway's facts at the end of the call, counted
    /// in the turn and first-frame histograms.
    /// </summary>
    public IReadOnlyList<TurnTiming> WithFirstFrames(CallMediaFacts media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var turns = new List<TurnTiming>();
        foreach (var turn in Turns)
        {
            if (turn.PlaybackId is { } id && media.PlaybackStarted.TryGetValue(id, out var started))
            {
                var firstFrame = NonNegative(started - turn.InputAt);
                turns.Add(turn with { FirstFrameOut = firstFrame });
                metrics.TurnStage("turn", firstFrame);
                if (media.PlaybackQueued.TryGetValue(id, out var queued))
                {
                    // The gateway's own share: from the answer's arrival to its first frame on the wire.
                    metrics.TurnStage("first_frame", NonNegative(started - queued));
                }
            }
            else
            {
                turns.Add(turn);
            }
        }

        return turns;
    }

    /// <summary>The caller's input ended at <paramref name="inputAt"/>; <paramref name="sttFinalAt"/> is when its transcript arrived.</summary>
    public void Input(string state, string input, string? text, DateTimeOffset inputAt, DateTimeOffset? sttFinalAt = null)
    {
        if (_open is { } open && !_answered && open.Input == input && input == "dtmf")
        {
            _open = open with { CallerText = open.CallerText + text, InputAt = inputAt };
            return;
        }

        Close();
        var sttFinal = sttFinalAt is { } at ? NonNegative(at - inputAt) : (TimeSpan?)null;
        _open = new TurnTiming(_turns.Count + 1, state, input, text, inputAt, sttFinal, null, null, null, null, null);
        _answered = false;
        if (sttFinal is { } stt)
        {
            metrics.TurnStage("stt", stt);
        }
    }

    /// <summary>The language model's first token came <paramref name="afterStart"/> after the interpretation started at <paramref name="startedAt"/>.</summary>
    public void LlmFirstToken(DateTimeOffset startedAt, TimeSpan afterStart)
    {
        if (_open is { LlmFirstToken: null } open)
        {
            var sinceInput = NonNegative(startedAt + afterStart - open.InputAt);
            _open = open with { LlmFirstToken = sinceInput };
            metrics.TurnStage("llm", sinceInput);
        }
    }

    /// <summary>The first synthesized audio of the answer arrived.</summary>
    public void TtsFirstByte(DateTimeOffset at)
    {
        if (_open is { TtsFirstByte: null } open)
        {
            var sinceInput = NonNegative(at - open.InputAt);
            _open = open with { TtsFirstByte = sinceInput };
            metrics.TurnStage("tts", sinceInput);
        }
    }

    /// <summary>The bot sent something to say (a phrase key or text) as playback <paramref name="playbackId"/> at <paramref name="at"/>.</summary>
    public void Reply(int playbackId, string what, DateTimeOffset at)
    {
        if (_open is not { } open)
        {
            return;
        }

        _answered = true;
        _open = open with
        {
            PlaybackId = open.PlaybackId ?? playbackId,
            Answered = open.Answered ?? NonNegative(at - open.InputAt),
            Reply = open.Reply is null ? what : open.Reply + " + " + what,
        };
    }

    private void Close()
    {
        if (_open is { } open)
        {
            _turns.Add(open);
            _open = null;
        }
    }

    private static TimeSpan NonNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
