namespace Voicebot.Conversation;

/// <summary>Tuning of the conversation engine.</summary>
public sealed class ConversationOptions
{
    /// <summary>Re-prompts allowed per state when the answer is not understood, before the error path. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;
}
