namespace Voicebot.Abstractions.Calls;

/// <summary>State names that belong to the platform rather than to a flow.</summary>
public static class CallStates
{
    /// <summary>A call grain that has not been started: no call behind it.</summary>
    public const string New = "NEW";
}
