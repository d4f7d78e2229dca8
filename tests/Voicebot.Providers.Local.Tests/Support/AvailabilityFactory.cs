using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Providers.Local.Tests.Support;

/// <summary>Builds the subject with fake time at a given UTC instant.</summary>
internal static class AvailabilityFactory
{
    public static (ScheduledTechnicianAvailability Availability, FakeTimeProvider Time, RecordingLogger<ScheduledTechnicianAvailability> Logger) Create(
        DateTimeOffset utcNow, TechnicianOptions? options = null)
    {
        var time = new FakeTimeProvider(utcNow);
        var logger = new RecordingLogger<ScheduledTechnicianAvailability>();
        var availability = new ScheduledTechnicianAvailability(Options.Create(options ?? new TechnicianOptions()), time, logger);
        return (availability, time, logger);
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    public static OfficeHoursRange Range(DayOfWeek day, string opens, string closes) => new()
    {
        Days = [day],
        Opens = TimeOnly.Parse(opens, CultureInfo.InvariantCulture),
        Closes = TimeOnly.Parse(closes, CultureInfo.InvariantCulture),
    };
}
