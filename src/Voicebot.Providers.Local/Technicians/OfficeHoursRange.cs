using System.ComponentModel.DataAnnotations;

namespace Voicebot.Providers.Local.Technicians;

/// <summary>
/// One opening range, e.g. <c>{ "Days": [ "Saturday" ], "Opens": "09:00", "Closes": "12:00" }</c>.
/// Times are wall-clock times in <see cref="TechnicianOptions.TimeZone"/>.
/// </summary>
public sealed class OfficeHoursRange : IValidatableObject
{
    /// <summary>The days the range applies to (names: <c>Monday</c> … <c>Sunday</c>). At least one.</summary>
    [Required]
    [MinLength(1)]
    public IList<DayOfWeek> Days { get; set; } = [];

    /// <summary>Opening time, inclusive (<c>"08:00"</c>).</summary>
    [Required]
    public TimeOnly? Opens { get; set; }

    /// <summary>
    /// Closing time, exclusive (<c>"19:00"</c> means 18:59:59 is open, 19:00 is closed). Must be after
    /// <see cref="Opens"/>; <c>"00:00"</c> means midnight at the end of the day. Ranges never cross midnight: split them.
    /// </summary>
    [Required]
    public TimeOnly? Closes { get; set; }

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var day in Days)
        {
            if (!Enum.IsDefined(day))
            {
                yield return new ValidationResult($"Day {(int)day} is not a day of the week (use Monday … Sunday).", [nameof(Days)]);
            }
        }

        if (Opens is { } opens && Closes is { } closes && closes != TimeOnly.MinValue && closes <= opens)
        {
            yield return new ValidationResult(
                $"Closes ({closes:HH\\:mm}) must be after Opens ({opens:HH\\:mm}); split a range that crosses midnight in two.",
                [nameof(Closes)]);
        }
    }
}
