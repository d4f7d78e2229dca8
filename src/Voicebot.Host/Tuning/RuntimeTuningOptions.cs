using System.ComponentModel.DataAnnotations;
using System.Runtime;

namespace Voicebot.Host.Tuning;

/// <summary>
/// How the process asks the .NET runtime to behave for 20 ms audio (section <c>Runtime</c>). Chosen with the capacity
/// bench; README, "Performance", has the measurements.
/// </summary>
public sealed class RuntimeTuningOptions : IValidatableObject
{
    public const string SectionName = "Runtime";

    /// <summary>
    /// The GC's latency mode for the whole process. <see cref="GCLatencyMode.SustainedLowLatency"/> (default) keeps
    /// full collections in the background instead of blocking every thread, the pacer's included, for tens of ms;
    /// <see cref="GCLatencyMode.Interactive"/> is the runtime's own default.
    /// </summary>
    public GCLatencyMode GcLatencyMode { get; set; } = GCLatencyMode.SustainedLowLatency;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GcLatencyMode is GCLatencyMode.NoGCRegion)
        {
            yield return new ValidationResult(
                "Runtime:GcLatencyMode cannot be NoGCRegion (use Interactive, Batch, LowLatency or SustainedLowLatency).",
                [nameof(GcLatencyMode)]);
        }
    }
}
