namespace Voicebot.Conversation;

/// <summary>How long the caller has been silent, in the seed's two steps.</summary>
public enum SilenceLevel
{
    /// <summary>First timeout (8 s by default): "Allô, vous êtes là ?".</summary>
    Reprompt,

    /// <summary>Second timeout (15 s by default): goodbye and hang up.</summary>
    GiveUp,
}
