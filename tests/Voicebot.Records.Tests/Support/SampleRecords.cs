using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Records.Tests.Support;

/// <summary>Call records with every field filled, for round trips.</summary>
internal static class SampleRecords
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static CallRecord Create(
        Guid? callId = null,
        DateTimeOffset? startedAt = null,
        CallOutcomeKind outcome = CallOutcomeKind.Transfer,
        string endReason = "completed",
        string? callerNumber = "0612345678")
    {
        var start = startedAt ?? Noon;
        return new CallRecord(
            callId ?? Guid.NewGuid(),
            "silo-a",
            "127.0.0.1:40000",
            callerNumber,
            start,
            start.AddSeconds(83.5),
            outcome,
            endReason,
            new Dictionary<string, string> { ["phone"] = "0612345678", ["problem"] = "plus de connexion internet" },
            ["WELCOME", "ASK_PHONE", "ASK_PROBLEM", "TRANSFER"],
            [
                new ConversationTurn(start.AddSeconds(1), Speaker.Bot, TurnKind.Phrase, "welcome", "WELCOME"),
                new ConversationTurn(start.AddSeconds(6), Speaker.Caller, TurnKind.Dtmf, "0612345678", "ASK_PHONE"),
                new ConversationTurn(start.AddSeconds(12), Speaker.Caller, TurnKind.Text, "plus de connexion internet", "ASK_PROBLEM"),
            ],
            [
                new TurnTiming(1, "ASK_PHONE", "dtmf", "0612345678", start.AddSeconds(6), null, null, null, TimeSpan.FromMilliseconds(42), 3, "ask_problem"),
                new TurnTiming(2, "ASK_PROBLEM", "speech", "plus de connexion internet", start.AddSeconds(12),
                    TimeSpan.FromMilliseconds(310), TimeSpan.FromMilliseconds(640), TimeSpan.FromMilliseconds(820), TimeSpan.FromMilliseconds(905), 4, "Je vous passe un technicien."),
            ],
            [new ProviderError(start.AddSeconds(13), "synthesizer", "timeout", "OpenAI TTS did not answer in 2 s")],
            "/var/lib/voicebot/recordings/2026-11-24/call.wav");
    }

    /// <summary>Records compare by their JSON (their collections compare by reference).</summary>
    public static string Json(CallRecord? record) => record is null ? "null" : CallRecordJson.Serialize(record);
}
