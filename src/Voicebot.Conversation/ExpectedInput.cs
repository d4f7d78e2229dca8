namespace Voicebot.Conversation;

/// <summary>What a state waits for from the caller.</summary>
public enum ExpectedInput
{
    /// <summary>One of the state's choices, by DTMF key or by meaning (intent).</summary>
    Choice,

    /// <summary>A French phone number, typed and ended with # (or spoken).</summary>
    PhoneNumber,

    /// <summary>A recording of the caller's voice (e.g. their name).</summary>
    Recording,
}
