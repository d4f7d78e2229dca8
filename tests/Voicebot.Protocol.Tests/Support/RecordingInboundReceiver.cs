using Voicebot.Protocol.Client;

namespace Voicebot.Protocol.Tests.Support;

/// <summary>Records every message the receive loop hands over; stops at a hang-up when told to.</summary>
internal sealed class RecordingInboundReceiver(bool stopAtHangup = true) : IAudioSocketInboundReceiver
{
    public List<(AudioSocketKind Kind, byte[] Payload, long ReceivedAt)> Messages { get; } = [];

    public bool OnAudio(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt)
    {
        Messages.Add((kind, payload.ToArray(), receivedAt));
        return true;
    }

    public bool OnHangup(long receivedAt)
    {
        Messages.Add((AudioSocketKind.Hangup, [], receivedAt));
        return !stopAtHangup;
    }

    public bool OnOtherMessage(AudioSocketKind kind, ReadOnlySpan<byte> payload, long receivedAt)
    {
        Messages.Add((kind, payload.ToArray(), receivedAt));
        return true;
    }
}
