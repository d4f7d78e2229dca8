using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Providers.Local.Tests;

public sealed class LocalProvidersServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLocalTechnicianAvailability_NoKeys_UsesDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<TechnicianOptions>>().Value;

        Assert.Equal(TechnicianAvailabilityMode.OfficeHours, options.Mode);
        Assert.Equal("Europe/Paris", options.TimeZone);
        Assert.Empty(options.OfficeHours);
        Assert.IsType<ScheduledTechnicianAvailability>(provider.GetRequiredService<ITechnicianAvailability>());
    }

    [Fact]
    public void AddLocalTechnicianAvailability_Section_BindsModeZoneAndRanges()
    {
        using var provider = Build(new()
        {
            ["Technicians:Mode"] = "NeverAvailable",
            ["Technicians:TimeZone"] = "America/Martinique",
            ["Technicians:OfficeHours:0:Days:0"] = "Saturday",
            ["Technicians:OfficeHours:0:Days:1"] = "Sunday",
            ["Technicians:OfficeHours:0:Opens"] = "09:30",
            ["Technicians:OfficeHours:0:Closes"] = "12:15",
        });

        var options = provider.GetRequiredService<IOptions<TechnicianOptions>>().Value;

        Assert.Equal(TechnicianAvailabilityMode.NeverAvailable, options.Mode);
        Assert.Equal("America/Martinique", options.TimeZone);
        var range = Assert.Single(options.OfficeHours);
        Assert.Equal([DayOfWeek.Saturday, DayOfWeek.Sunday], range.Days);
        Assert.Equal(new TimeOnly(9, 30), range.Opens);
        Assert.Equal(new TimeOnly(12, 15), range.Closes);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_UnknownTimeZone_FailsStartupValidation()
    {
        using var provider = Build(new() { ["Technicians:TimeZone"] = "Europe/Lutece" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Europe/Lutece", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_ClosesBeforeOpens_FailsStartupValidation()
    {
        using var provider = Build(new()
        {
            ["Technicians:OfficeHours:0:Days:0"] = "Monday",
            ["Technicians:OfficeHours:0:Opens"] = "19:00",
            ["Technicians:OfficeHours:0:Closes"] = "08:00",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Closes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_RangeWithoutTimes_FailsStartupValidation()
    {
        using var provider = Build(new() { ["Technicians:OfficeHours:0:Days:0"] = "Monday" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Opens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_DefaultSettings_PassStartupValidation()
    {
        using var provider = Build([]);

        var ex = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Null(ex);
    }

    [Fact]
    public async Task AddLocalTechnicianAvailability_RegisteredTimeProvider_IsUsed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 12, 9, 0, 0, TimeSpan.Zero));   // Sunday 10:00 CET
        using var provider = Build([], services => services.AddSingleton<TimeProvider>(time));
        var availability = provider.GetRequiredService<ITechnicianAvailability>();
        var ct = TestContext.Current.CancellationToken;

        var sunday = await availability.IsAvailableAsync(Guid.NewGuid(), ct);
        time.Advance(TimeSpan.FromDays(1));                                                        // Monday 10:00 CET
        var monday = await availability.IsAvailableAsync(Guid.NewGuid(), ct);

        Assert.False(sunday);
        Assert.True(monday);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_ExistingImplementation_IsKept()
    {
        var existing = new FixedAvailability();
        using var provider = Build([], services => services.AddSingleton<ITechnicianAvailability>(existing));

        var availability = provider.GetRequiredService<ITechnicianAvailability>();

        Assert.Same(existing, availability);
    }

    [Fact]
    public void AddLocalTechnicianAvailability_NoTimeProvider_RegistersSystemClock()
    {
        using var provider = Build([]);

        var time = provider.GetRequiredService<TimeProvider>();

        Assert.Same(TimeProvider.System, time);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        before?.Invoke(services);

        services.AddLocalTechnicianAvailability(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed class FixedAvailability : ITechnicianAvailability
    {
        public ValueTask<bool> IsAvailableAsync(Guid callId, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }
}
