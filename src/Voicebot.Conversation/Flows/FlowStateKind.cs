namespace Voicebot.Conversation.Flows;

/// <summary>What a state waits for (its <c>expect</c> in the flow file).</summary>
public enum FlowStateKind
{
    /// <summary><c>none</c>: say the prompts, then go to <c>next</c> once they have played.</summary>
    None,

    /// <summary><c>choice</c>: one of the <c>options</c>, by DTMF key, spoken key or intent.</summary>
    Choice,

    /// <summary><c>phone</c>: a French phone number typed and ended with # (or spoken), stored in <c>slot</c>.</summary>
    Phone,

    /// <summary><c>recording</c>: record the caller into <c>slot</c>, then go to <c>next</c>.</summary>
    Recording,

    /// <summary><c>check</c>: ask the host an external yes/no question (<c>check</c>), then follow <c>onTrue</c> or <c>onFalse</c>.</summary>
    Check,

    /// <summary><c>end</c>: say the prompts and end the call with <c>outcome</c> and <c>reason</c>.</summary>
    End,
}
