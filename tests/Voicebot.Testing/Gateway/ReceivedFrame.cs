using Voicebot.Protocol;

namespace Voicebot.Testing.Gateway;

/// <summary>One message the gateway sent to <see cref="FakeAsteriskClient"/>, with its arrival time (Stopwatch ticks).</summary>
public sealed record ReceivedFrame(AudioSocketKind Kind, byte[] Payload, long ReceivedAt)
{
    public bool IsSilence => Payload.AsSpan().IndexOfAnyExcept((byte)0) < 0;
}
