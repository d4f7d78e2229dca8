using Voicebot.Protocol.Client;

namespace Voicebot.Cli.Calling;

/// <summary>One thing the simulated caller says or does, frame by frame, on the paced send loop.</summary>
internal abstract class OutboundSegment(CancellationToken cancellationToken)
{
    /// <summary>Completes once the segment's last meaningful frame is out; cancelled if the call ends first.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>True once the segment has nothing more to send.</summary>
    public abstract bool IsComplete { get; }

    /// <summary>This tick's frame (audio written into <paramref name="payload"/>), or <see langword="false"/> once finished.</summary>
    public abstract bool TryNext(Span<byte> payload, out AudioSocketOutboundFrame frame);
}
