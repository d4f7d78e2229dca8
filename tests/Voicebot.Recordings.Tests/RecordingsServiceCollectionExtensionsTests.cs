using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Voicebot.Recordings.Recording;

namespace Voicebot.Recordings.Tests;

public sealed class RecordingsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddCallRecordings_NoKeys_UsesTheDocumentedDefaults()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<RecordingOptions>>().Value;

        Assert.True(options.Enabled);
        Assert.Equal("data/recordings", options.Directory);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HeaderUpdateInterval);
        Assert.Equal(90, options.RetentionDays);
        Assert.Equal(("mp3", 32, Environment.ProcessorCount, false, "lame"),
            (options.Archive.Format, options.Archive.BitrateKbps, options.Archive.Parallelism, options.Archive.DeleteOriginals, options.Archive.Encoder));
        Assert.Equal("/srv/voicebot/data/recordings", services.GetRequiredService<RecordingDirectory>().Path);
        Assert.Same(services.GetRequiredService<CallRecordingWriter>(), Assert.Single(services.GetServices<IHostedService>()));
    }

    [Fact]
    public void AddCallRecordings_AbsoluteDirectory_IsKept()
    {
        using var services = Build(new() { ["Recordings:Directory"] = "/var/lib/voicebot/recordings" });

        Assert.Equal("/var/lib/voicebot/recordings", services.GetRequiredService<RecordingDirectory>().Path);
    }

    [Theory]
    [InlineData("Recordings:HeaderUpdateInterval", "00:00:00.010")]
    [InlineData("Recordings:RetentionDays", "-1")]
    [InlineData("Recordings:Archive:Format", "ogg")]
    [InlineData("Recordings:Archive:BitrateKbps", "4")]
    [InlineData("Recordings:Archive:Parallelism", "0")]
    [InlineData("Recordings:Archive:Encoder", "")]
    [InlineData("Recordings:Directory", "")]
    public void AddCallRecordings_InvalidValue_FailsValidation(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RecordingOptions>>().Value);

        Assert.Contains(key.Split(':')[^1], ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddCallRecordings(configuration, "/srv/voicebot").BuildServiceProvider();
    }
}
