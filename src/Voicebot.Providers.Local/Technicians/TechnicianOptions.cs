using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Voicebot.Providers.Local.Technicians;

/// <summary>
/// When a technician can take a transferred call, for the embedded <see cref="ScheduledTechnicianAvailability"/>.
/// Bound from the <c>Technicians</c> section; runs with no keys at all.
/// </summary>
public sealed class TechnicianOptions : IValidatableObject
{
    public const string SectionName = "Technicians";

    /// <summary>The IANA id of the default <see cref="TimeZone"/>.</summary>
    public const string DefaultTimeZone = "Europe/Paris";

    /// <summary>How availability is decided. Default <see cref="TechnicianAvailabilityMode.OfficeHours"/>.</summary>
    public TechnicianAvailabilityMode Mode { get; set; } = TechnicianAvailabilityMode.OfficeHours;

    /// <summary>
    /// IANA time zone of <see cref="OfficeHours"/> (daylight saving applies). Default <c>Europe/Paris</c>.
    /// Resolved from the system's tz database (<c>/usr/share/zoneinfo</c>; the <c>tzdata</c> package in containers).
    /// </summary>
    [Required]
    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>
    /// Opening ranges. When empty (the default), <see cref="CreateDefaultOfficeHours"/> applies: Monday–Friday 08:00–19:00
    /// and Saturday 09:00–12:00. Configured ranges replace the default rather than add to it.
    /// </summary>
    /// <remarks>
    /// The default is not put in this list: the configuration binder appends to a list, so configured ranges would be
    /// added to the default ones.
    /// </remarks>
    [ValidateEnumeratedItems]
    public IList<OfficeHoursRange> OfficeHours { get; set; } = [];

    /// <summary>New instances of the default ranges: Monday–Friday 08:00–19:00, Saturday 09:00–12:00 (a French hotline).</summary>
    public static IReadOnlyList<OfficeHoursRange> CreateDefaultOfficeHours() =>
    [
        new OfficeHoursRange
        {
            Days = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            Opens = new TimeOnly(8, 0),
            Closes = new TimeOnly(19, 0),
        },
        new OfficeHoursRange
        {
            Days = [DayOfWeek.Saturday],
            Opens = new TimeOnly(9, 0),
            Closes = new TimeOnly(12, 0),
        },
    ];

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return new ValidationResult(
                $"Mode {(int)Mode} is not one of OfficeHours, AlwaysAvailable, NeverAvailable.", [nameof(Mode)]);
        }

        if (!string.IsNullOrWhiteSpace(TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult(
                $"Time zone '{TimeZone}' was not found. Use an IANA id such as '{DefaultTimeZone}', and install the tz database (tzdata) on the host.",
                [nameof(TimeZone)]);
        }
    }
}
