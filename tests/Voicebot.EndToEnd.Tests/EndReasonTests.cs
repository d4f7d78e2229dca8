using Voicebot.Testing.Gateway;
using Voicebot.Testing.Processes;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The end reason the gateway logs, with the product as it runs in production (<c>voicebot serve</c>, socket
/// completions inline on the event thread): Asterisk closes the socket about 1 ms after the bot's hang-up, and the
/// close used to win the race and be logged as the caller hanging up. Runs alone: timing is what it is about.
/// </summary>
[Collection(nameof(RecordingCrashTests))]
public sealed class EndReasonTests
{
    private const int Calls = 6;

    [Fact]
    public async Task BotEndsTheCall_AsteriskClosesAtOnce_EveryCallIsLoggedAsEndedByTheBot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bot = await VoicebotServeProcess.StartAsync(
            new VoicebotServeSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = $"end-reason-{Guid.NewGuid():N}",
                    ["Calls__SilenceReprompt"] = "00:00:01",   // silent callers: the bot says goodbye and hangs up
                    ["Calls__SilenceGiveUp"] = "00:00:02",
                    ["Serilog__MinimumLevel__Default"] = "Information",
                },
            },
            ct);

        var callIds = Enumerable.Range(0, Calls).Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(callIds.Select(async callId =>
        {
            await using var caller = await FakeAsteriskClient.ConnectAsync(bot.AudioSocketPort, ct);
            caller.CloseOnHangup = true;
            await caller.SendUuidAsync(callId, ct);
            caller.StartAudioPump();
            await caller.Closed.WaitAsync(ct);
        }));

        foreach (var callId in callIds)
        {
            // The gateway's line ("Call <id> ended: <reason>."), not the conversation's ("… ended: Abandoned (silence) after …").
            var reason = await GatewayEndReasonAsync(bot, callId, ct);
            Assert.True(reason == "BotHungUp", $"call {callId} logged as ended by {reason}");
        }
    }

    private static async Task<string> GatewayEndReasonAsync(VoicebotServeProcess bot, Guid callId, CancellationToken ct)
    {
        var pattern = new System.Text.RegularExpressions.Regex($@"Call {callId} ended: (\w+)\.\s*$");
        while (true)
        {
            if (bot.Output.Select(line => pattern.Match(line)).FirstOrDefault(m => m.Success) is { } match)
            {
                return match.Groups[1].Value;
            }

            await Task.Delay(50, ct);
        }
    }
}
