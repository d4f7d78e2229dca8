using System.Threading.Channels;
using Voicebot.Protocol.Client;

namespace Voicebot.Protocol.Tests.Support;

/// <summary>
/// Plays a fixed list of ticks (audio frames are filled with the tick's index), then silence; reports each tick once
/// its frame is written.
/// </summary>
internal sealed class ScriptedOutboundSource(params AudioSocketOutboundFrame[] script) : IAudioSocketOutboundSource
{
    private readonly Channel<long> _written = Channel.CreateUnbounded<long>();
    private int _calls;

    /// <summary>Ticks asked for so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public AudioSocketOutboundFrame NextFrame(long frameIndex, Span<byte> payload)
    {
        Interlocked.Increment(ref _calls);
        var frame = frameIndex < script.Length ? script[frameIndex] : AudioSocketOutboundFrame.Silence;
        if (frame.Action == AudioSocketOutboundAction.Audio)
        {
            payload.Fill((byte)(frameIndex + 1));
        }

        return frame;
    }

    public void OnFrameWritten(AudioSocketOutboundFrame frame, long writtenAt) => _written.Writer.TryWrite(writtenAt);

    /// <summary>Waits until the next tick's frame is written; returns when (the connection's clock).</summary>
    public async Task<long> WaitForTickAsync(CancellationToken cancellationToken) => await _written.Reader.ReadAsync(cancellationToken);
}
