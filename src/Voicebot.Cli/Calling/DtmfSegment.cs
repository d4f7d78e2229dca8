using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>Presses keys one after the other: each held for <c>toneFrames</c>, then <c>gapFrames</c> of silence.</summary>
internal sealed class DtmfSegment(string digits, int toneFrames, int gapFrames, CancellationToken cancellationToken)
    : OutboundSegment(cancellationToken)
{
    private int _tick;

    // No gap after the last key: the segment ends with its DTMF message.
    public override bool IsComplete => _tick >= (digits.Length * (toneFrames + gapFrames)) - gapFrames;

    public override bool TryNext(Span<byte> payload, out AudioSocketOutboundFrame frame)
    {
        var perDigit = toneFrames + gapFrames;
        var index = _tick / perDigit;
        if (IsComplete)
        {
            frame = default;
            return false;
        }

        var phase = _tick % perDigit;
        _tick++;

        // Asterisk withholds the audio frames while a key is held and sends the DTMF message at the key's end.
        frame = phase < toneFrames - 1 ? AudioSocketOutboundFrame.Withhold
            : phase == toneFrames - 1 ? AudioSocketOutboundFrame.Dtmf(digits[index])
            : AudioSocketOutboundFrame.Silence;
        return true;
    }
}
