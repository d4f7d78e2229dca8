using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Voicebot.Host.Tests;

public sealed class VoicebotHostTests
{
    [Theory]
    [InlineData("Http:Port", "70000")]
    [InlineData("Orleans:StreamPullingPeriod", "00:00:05")]
    [InlineData("Calls:SilenceGiveUp", "00:00:03")]
    [InlineData("Calls:Flow", "../etc/passwd")]
    [InlineData("AudioSocket:MaxPayloadBytes", "10")]
    [InlineData("Espeak:WordsPerMinute", "5")]
    [InlineData("Technicians:TimeZone", "Mars/Olympus_Mons")]
    [InlineData("Speech:RecognizerAudio", "sometimes")]
    [InlineData("Http:ListenAddress", "0.0.0.0")]
    [InlineData("Http:ListenAddress", "localhost")]
    [InlineData("Http:OperatorToken", "too-short")]
    public async Task Start_InvalidOption_FailsFastNamingIt(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AudioSocket:Port"] = "0",
            ["Http:Port"] = "0",
        };
        settings[key] = value;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = VoicebotHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        var section = key.Split(':')[0];
        Assert.Contains(error.Failures, f => f.Contains(key.Split(':')[1], StringComparison.OrdinalIgnoreCase) || f.Contains(section, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("voice", "00:00:01", false)]   // Deepgram's utterance-end gap (1000 ms) would never be heard
    [InlineData("voice", "00:00:01.500", true)]
    [InlineData("all", "00:00:01", true)]      // every frame is sent: the hangover does not apply
    public async Task Start_DeepgramRecognizer_ChecksTheVoiceHangoverAgainstItsEndOfTurn(string audio, string hangover, bool starts)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AudioSocket:Port"] = "0",
            ["Http:Port"] = "0",
            ["Speech:Recognizer"] = "deepgram",
            ["Speech:RecognizerAudio"] = audio,
            ["Speech:VoiceHangover"] = hangover,
            ["Deepgram:ApiKey"] = "test-key",
            ["Deepgram:UtteranceEndMs"] = "1000",
        };
        var ct = TestContext.Current.CancellationToken;
        await using var app = VoicebotHost.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));

        var error = await Record.ExceptionAsync(() => app.StartAsync(ct));

        if (starts)
        {
            Assert.Null(error);
            await app.StopAsync(ct);
        }
        else
        {
            Assert.Contains("Speech:VoiceHangover", Assert.IsType<OptionsValidationException>(error).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FindContentRoot_Default_IsTheBinariesWithAssetsAndSettings()
    {
        var root = VoicebotHost.FindContentRoot();

        Assert.True(File.Exists(Path.Combine(root, "appsettings.json")));
        Assert.True(File.Exists(Path.Combine(root, "assets", "flows", "sav.json")));
        Assert.True(File.Exists(Path.Combine(root, "assets", "phrases", "fr.json")));
    }
}
