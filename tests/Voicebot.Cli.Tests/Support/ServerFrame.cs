namespace Voicebot.Cli.Tests.Support;

/// <summary>One message the fake server received from the caller.</summary>
internal sealed record ServerFrame(TimeSpan At, byte Kind, byte[] Payload)
{
    public bool IsAudio => Kind is >= 0x10 and <= 0x18;

    public bool IsSilent => Array.TrueForAll(Payload, b => b == 0);
}
