using Voicebot.Conversation.Understanding;

namespace Voicebot.Testing.Emulators.OpenAI;

/// <summary>Replies for <see cref="OpenAIChatEmulator"/> that understand like the product's rules but answer the OpenAI way.</summary>
public static class RuleBasedReplies
{
    /// <summary>The caller's last line, understood by the French rules, answered with the matching tool calls.</summary>
    public static EmulatedReply ToolCalls(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var meaning = FrenchUnderstanding.Interpret(request.UserText ?? string.Empty);
        var calls = new List<EmulatedToolCall>();
        if (meaning.PhoneNumber is { } phone)
        {
            calls.Add(EmulatedToolCall.Of("set_phone_number", new { digits = phone }));
        }

        foreach (var intent in meaning.Intents)
        {
            calls.Add(intent switch
            {
                Intent.Internet => EmulatedToolCall.Of("set_problem_kind", new { kind = "internet" }),
                Intent.Mobile => EmulatedToolCall.Of("set_problem_kind", new { kind = "mobile" }),
                Intent.Yes => EmulatedToolCall.Of("set_fixed", new { @fixed = true }),
                Intent.No => EmulatedToolCall.Of("set_fixed", new { @fixed = false }),
                _ => EmulatedToolCall.Of("request_human"),
            });
        }

        return calls.Count > 0 ? EmulatedReply.Calls([.. calls]) : EmulatedReply.Call("not_understood");
    }
}
