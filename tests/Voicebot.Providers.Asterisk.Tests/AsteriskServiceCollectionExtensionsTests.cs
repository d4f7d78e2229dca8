using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Technicians;
using Voicebot.Providers.Local;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Providers.Asterisk.Tests;

public sealed class AsteriskServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAsteriskAmi_Disabled_LeavesTheLocalImplementations()
    {
        using var provider = Build(new() { ["Asterisk:Ami:Enabled"] = "false", ["Asterisk:Ami:Secret"] = "s" });

        Assert.IsType<ScheduledTechnicianAvailability>(provider.GetRequiredService<ITechnicianAvailability>());
        Assert.IsType<NoTransfer>(provider.GetRequiredService<ICallTransfer>());
        Assert.Empty(provider.GetServices<IHostedService>());
        Assert.Null(provider.GetService<IAmiClient>());
    }

    [Fact]
    public void AddAsteriskAmi_NoSection_RegistersNothing()
    {
        var services = new ServiceCollection();
        var before = services.Count;

        services.AddAsteriskAmi(new ConfigurationBuilder().Build());

        Assert.Equal(before, services.Count);
    }

    [Fact]
    public void AddAsteriskAmi_Enabled_ReplacesAvailabilityAndTransferAndRunsTheClient()
    {
        using var provider = Build(new()
        {
            ["Asterisk:Ami:Enabled"] = "true",
            ["Asterisk:Ami:Host"] = "10.0.0.5",
            ["Asterisk:Ami:Username"] = "voicebot",
            ["Asterisk:Ami:Secret"] = "from-the-environment",
            ["Asterisk:Ami:Queue"] = "support",
        });

        Assert.IsType<AmiTechnicianAvailability>(Assert.Single(provider.GetServices<ITechnicianAvailability>()));
        Assert.IsType<AmiCallTransfer>(Assert.Single(provider.GetServices<ICallTransfer>()));
        var client = Assert.IsType<AmiClient>(Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Same(client, provider.GetRequiredService<IAmiClient>());
        var options = provider.GetRequiredService<IOptions<AmiOptions>>().Value;
        Assert.Equal("10.0.0.5", options.Host);
        Assert.Equal(5038, options.Port);
        Assert.Equal("support", options.Queue);
        Assert.Equal("VOICEBOT_CALL_ID", options.CallIdVariable);
    }

    [Fact]
    public void AddAsteriskAmi_EnabledWithoutSecret_FailsStartupValidationNamingTheVariable()
    {
        using var provider = Build(new() { ["Asterisk:Ami:Enabled"] = "true", ["Asterisk:Ami:Username"] = "voicebot" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Asterisk__Ami__Secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAsteriskAmi_BadValues_FailStartupValidation()
    {
        using var provider = Build(new()
        {
            ["Asterisk:Ami:Enabled"] = "true",
            ["Asterisk:Ami:Username"] = "voicebot",
            ["Asterisk:Ami:Secret"] = "s",
            ["Asterisk:Ami:ReconnectMinDelay"] = "00:01:00",
            ["Asterisk:Ami:ReconnectMaxDelay"] = "00:00:10",
            ["Asterisk:Ami:CallIdVariable"] = "VOICEBOT CALL",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ReconnectMaxDelay", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VOICEBOT CALL", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddLocalTechnicianAvailability(configuration);
        services.AddSingleton<ICallTransfer, NoTransfer>();   // stands for the host's default
        services.AddAsteriskAmi(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private sealed class NoTransfer : ICallTransfer
    {
        public ValueTask<bool> TransferAsync(Guid callId, IReadOnlyDictionary<string, string> slots, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(false);
    }
}
