namespace Voicebot.Grains.Calls;

/// <summary>
/// The time source of call timeouts (8 s "allô ?", 15 s goodbye, 10 min maximum). A separate registration from the
/// silo's own <see cref="TimeProvider"/>, so tests can drive call time without freezing Orleans itself.
/// </summary>
public sealed class CallClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}
