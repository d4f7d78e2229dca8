namespace Voicebot.Grains.Calls;

/// <summary>
/// How a call's own timers reach it. The timers run on the injected <see cref="CallClock"/> (a fake one in tests), and
/// their callbacks come back through the grain's mailbox like any other message.
/// </summary>
[Alias("voicebot.call-timers")]
public interface ICallTimerTarget : IGrainWithGuidKey
{
    [Alias("timer")]
    Task OnTimerAsync(CallTimer timer, int generation);
}

[GenerateSerializer, Alias("voicebot.call-timer")]
public enum CallTimer
{
    SilenceReprompt = 0,
    SilenceGiveUp = 1,
    MaxDuration = 2,

    /// <summary>An open recording reached its length limit (elapsed time, whatever audio arrived).</summary>
    RecordingLimit = 3,
}
