using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Voicebot.Gateway.Drain;

namespace Voicebot.Gateway.Tests.Drain;

public sealed class DrainOptionsTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new DrainOptionsValidator().Validate(null, new DrainOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_DeadlineOverAnHour_Fails()
    {
        var result = new DrainOptionsValidator().Validate(null, new DrainOptions { Deadline = TimeSpan.FromHours(2) });

        Assert.True(result.Failed);
        Assert.Contains("Deadline", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ShutdownBudget_Defaults_IsDeadlineGoodbyeAndThirtySeconds()
    {
        var budget = new DrainOptions().ShutdownBudget;

        Assert.Equal(TimeSpan.FromSeconds(120 + 15 + 30), budget);
    }

    [Fact]
    public void AddAudioSocketGateway_LongDeadline_RaisesTheHostShutdownTimeoutToTheBudget()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Drain:Deadline"] = "00:05:00" })
            .Build();
        using var services = new ServiceCollection().AddAudioSocketGateway(configuration).BuildServiceProvider();

        var shutdownTimeout = services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.Equal(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(15 + 30), shutdownTimeout);
    }

    [Fact]
    public void AddAudioSocketGateway_HostAlreadyAllowsLonger_KeepsTheHostsTimeout()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var services = new ServiceCollection()
            .Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10))
            .AddAudioSocketGateway(configuration)
            .BuildServiceProvider();

        var shutdownTimeout = services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.Equal(TimeSpan.FromMinutes(10), shutdownTimeout);
    }
}
