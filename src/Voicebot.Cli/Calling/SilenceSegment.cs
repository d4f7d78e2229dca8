using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>Sends a number of silent frames.</summary>
internal sealed class SilenceSegment(int frames, CancellationToken cancellationToken) : OutboundSegment(cancellationToken)
{
    private int _remaining = frames;

    public override bool IsComplete => _remaining == 0;

    public override bool TryNext(Span<byte> payload, out AudioSocketOutboundFrame frame)
    {
        frame = AudioSocketOutboundFrame.Silence;
        if (_remaining == 0)
        {
            return false;
        }

        _remaining--;
        return true;
    }
}
