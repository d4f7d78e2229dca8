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

    [Fact]
    public void FindContentRoot_Default_IsTheBinariesWithAssetsAndSettings()
    {
        var root = VoicebotHost.FindContentRoot();

        Assert.True(File.Exists(Path.Combine(root, "appsettings.json")));
        Assert.True(File.Exists(Path.Combine(root, "assets", "flows", "sav.json")));
        Assert.True(File.Exists(Path.Combine(root, "assets", "phrases", "fr.json")));
    }
}
