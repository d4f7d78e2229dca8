namespace Voicebot.Gateway.Calls;

/// <summary>The calls this gateway has served lately: for answering about a call without creating one.</summary>
public interface ICallsServedHere
{
    /// <summary>Whether <paramref name="callId"/> is connected here now or ended here among the last 10 000 calls.</summary>
    bool Knows(Guid callId);
}
