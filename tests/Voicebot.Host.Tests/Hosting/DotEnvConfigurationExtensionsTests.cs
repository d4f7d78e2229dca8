using Microsoft.Extensions.Configuration;
using Voicebot.Host.Hosting;

namespace Voicebot.Host.Tests.Hosting;

public sealed class DotEnvConfigurationExtensionsTests
{
    [Fact]
    public void AddDotEnvFile_KeysAndValues_BecomeConfigurationWithSections()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path,
        [
            "# secrets",
            "DEEPGRAM__APIKEY=abc123",
            "export LLM__MODEL=\"openai/gpt-oss-120b\"",
            "Calls__Flow='sav-mobile-only'",
            "not a pair",
            "",
        ]);

        var configuration = new ConfigurationBuilder().AddDotEnvFile(path).Build();

        Assert.Equal("abc123", configuration["Deepgram:ApiKey"]);
        Assert.Equal("openai/gpt-oss-120b", configuration["Llm:Model"]);
        Assert.Equal("sav-mobile-only", configuration["Calls:Flow"]);
        File.Delete(path);
    }

    [Fact]
    public void AddDotEnvFile_MissingFile_AddsNothing()
    {
        var configuration = new ConfigurationBuilder().AddDotEnvFile("/nonexistent/.env").Build();

        Assert.Empty(configuration.AsEnumerable());
    }
}
