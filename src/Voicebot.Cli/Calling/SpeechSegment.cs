using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>Speaks PCM frame by frame; with <c>hangUpAfterFrames</c>, hangs up after that many frames (or at its end).</summary>
internal sealed class SpeechSegment(ReadOnlyMemory<byte> pcm, int frameBytes, int? hangUpAfterFrames, CancellationToken cancellationToken)
    : OutboundSegment(cancellationToken)
{
    private int _offset;
    private int _frames;

    public override bool IsComplete => hangUpAfterFrames is null && _offset >= pcm.Length;

    public override bool TryNext(Span<byte> payload, out AudioSocketOutboundFrame frame)
    {
        if (hangUpAfterFrames is { } limit && _frames >= limit)
        {
            frame = AudioSocketOutboundFrame.HangUp;
            return true;
        }

        if (_offset >= pcm.Length)
        {
            frame = AudioSocketOutboundFrame.HangUp;
            return hangUpAfterFrames is not null;
        }

        var count = Math.Min(frameBytes, pcm.Length - _offset);
        pcm.Span.Slice(_offset, count).CopyTo(payload);
        payload[count..].Clear();
        _offset += frameBytes;
        _frames++;
        frame = AudioSocketOutboundFrame.Audio;
        return true;
    }
}
