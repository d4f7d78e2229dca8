using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;

namespace Voicebot.Providers.Local.Technicians;

/// <summary>
/// The embedded <see cref="ITechnicianAvailability"/>: answers from a weekly schedule in a time zone, with no external
/// system. Options are read once, at construction. Thread-safe (immutable).
/// </summary>
public sealed class ScheduledTechnicianAvailability : ITechnicianAvailability
{
    private readonly TechnicianAvailabilityMode _mode;
    private readonly TimeZoneInfo _timeZone;
    private readonly Range[] _ranges;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ScheduledTechnicianAvailability> _logger;

    /// <exception cref="ArgumentException">The time zone is unknown (options that passed validation never are).</exception>
    public ScheduledTechnicianAvailability(
        IOptions<TechnicianOptions> options,
        TimeProvider timeProvider,
        ILogger<ScheduledTechnicianAvailability> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        var value = options.Value;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(value.TimeZone, out var timeZone))
        {
            throw new ArgumentException($"Time zone '{value.TimeZone}' was not found.", nameof(options));
        }

        _mode = value.Mode;
        _timeZone = timeZone;
        _timeProvider = timeProvider;
        _logger = logger;

        // Snapshot the ranges: the options object is mutable and shared.
        var configured = value.OfficeHours.Count > 0 ? [.. value.OfficeHours] : TechnicianOptions.CreateDefaultOfficeHours();
        _ranges = new Range[configured.Count];
        for (var i = 0; i < configured.Count; i++)
        {
            var range = configured[i];
            _ranges[i] = new Range([.. range.Days], range.Opens ?? TimeOnly.MinValue, range.Closes ?? TimeOnly.MinValue);
        }

        LocalProvidersLog.TechnicianScheduleLoaded(logger, _mode, _timeZone.Id, _ranges.Length);
    }

    /// <inheritdoc />
    public ValueTask<bool> IsAvailableAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        var localTime = TimeZoneInfo.ConvertTime(_timeProvider.GetUtcNow(), _timeZone);
        var available = _mode switch
        {
            TechnicianAvailabilityMode.AlwaysAvailable => true,
            TechnicianAvailabilityMode.NeverAvailable => false,
            _ => IsOpen(localTime),
        };

        LocalProvidersLog.TechnicianAvailabilityChecked(_logger, callId, available, _mode, localTime);
        return ValueTask.FromResult(available);
    }

    private bool IsOpen(DateTimeOffset localTime)
    {
        var day = localTime.DayOfWeek;
        var time = TimeOnly.FromTimeSpan(localTime.TimeOfDay);
        foreach (var range in _ranges)
        {
            if (range.Contains(day, time))
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Range(DayOfWeek[] Days, TimeOnly Opens, TimeOnly Closes)
    {
        // Closes is exclusive; 00:00 means the end of the day (see OfficeHoursRange.Closes).
        public bool Contains(DayOfWeek day, TimeOnly time) =>
            Array.IndexOf(Days, day) >= 0 && time >= Opens && (Closes == TimeOnly.MinValue || time < Closes);
    }
}
