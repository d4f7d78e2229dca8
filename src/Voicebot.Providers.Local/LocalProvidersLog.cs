using Microsoft.Extensions.Logging;
using Voicebot.Providers.Local.Technicians;

namespace Voicebot.Providers.Local;

/// <summary>Log events of the embedded providers. Ids are stable (alerts key on them): retire an id, never reuse it.</summary>
internal static partial class LocalProvidersLog
{
    [LoggerMessage(1, LogLevel.Information,
        "Call {CallId}: technician available = {Available} (mode {Mode}, local time {LocalTime:yyyy-MM-dd'T'HH:mm:sszzz}).",
        EventName = "TechnicianAvailabilityChecked")]
    public static partial void TechnicianAvailabilityChecked(
        ILogger logger, Guid callId, bool available, TechnicianAvailabilityMode mode, DateTimeOffset localTime);

    [LoggerMessage(2, LogLevel.Information,
        "Technician availability: mode {Mode}, time zone {TimeZone}, {RangeCount} office-hours ranges.",
        EventName = "TechnicianScheduleLoaded")]
    public static partial void TechnicianScheduleLoaded(ILogger logger, TechnicianAvailabilityMode mode, string timeZone, int rangeCount);
}
