using Microsoft.Extensions.Configuration;
using Voicebot.Host.Hosting;

namespace Voicebot.Host.Tests.Hosting;

public sealed class OrleansHostOptionsTests
{
    [Theory]
    [InlineData("redis", "RedisConnectionString")]
    [InlineData("postgres", "PostgresConnectionString")]
    public void Validate_ClusteredWithoutConnectionString_FailsNamingTheKey(string membership, string key)
    {
        var options = Bind(new() { ["Orleans:Membership"] = membership });

        var result = new OrleansHostOptionsValidator().Validate(OrleansHostOptions.SectionName, options);

        Assert.True(result.Failed);
        Assert.Contains($"Orleans:{key}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_AreLocalhostAndValid()
    {
        var options = Bind([]);

        var result = new OrleansHostOptionsValidator().Validate(OrleansHostOptions.SectionName, options);

        Assert.Equal(ClusteringProvider.Localhost, options.Membership);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Bind_RedisWithConnectionString_IsValidWhateverTheCase()
    {
        var options = Bind(new() { ["Orleans:Membership"] = "Redis", ["Orleans:RedisConnectionString"] = "127.0.0.1:6379" });

        var result = new OrleansHostOptionsValidator().Validate(OrleansHostOptions.SectionName, options);

        Assert.Equal(ClusteringProvider.Redis, options.Membership);
        Assert.True(result.Succeeded);
    }

    private static OrleansHostOptions Bind(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build()
            .GetSection(OrleansHostOptions.SectionName).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
}
