namespace Voicebot.Providers.Local.Technicians;

/// <summary>How <see cref="ScheduledTechnicianAvailability"/> answers.</summary>
public enum TechnicianAvailabilityMode
{
    /// <summary>Available during <see cref="TechnicianOptions.OfficeHours"/> only (the default).</summary>
    OfficeHours = 0,

    /// <summary>Always available (tests, or a 24/7 team).</summary>
    AlwaysAvailable,

    /// <summary>Never available (holidays, strikes): every caller leaves a message instead.</summary>
    NeverAvailable,
}
