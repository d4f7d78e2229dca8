namespace Voicebot.Protocol.Client;

/// <summary>The outcome of one tick of a client's paced send loop.</summary>
/// <param name="Action">What the loop does this tick.</param>
/// <param name="Digit">The key sent when <paramref name="Action"/> is <see cref="AudioSocketOutboundAction.Dtmf"/>.</param>
public readonly record struct AudioSocketOutboundFrame(AudioSocketOutboundAction Action, char Digit = default)
{
    public static AudioSocketOutboundFrame Silence => new(AudioSocketOutboundAction.Silence);

    public static AudioSocketOutboundFrame Audio => new(AudioSocketOutboundAction.Audio);

    public static AudioSocketOutboundFrame Withhold => new(AudioSocketOutboundAction.Withhold);

    public static AudioSocketOutboundFrame HangUp => new(AudioSocketOutboundAction.HangUp);

    public static AudioSocketOutboundFrame Dtmf(char digit) => new(AudioSocketOutboundAction.Dtmf, digit);
}
