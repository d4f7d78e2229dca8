namespace Voicebot.Abstractions.Technicians;

/// <summary>Whether a technician can take a transferred call now (the CHECK_TECHNICIAN step).</summary>
public interface ITechnicianAvailability
{
    ValueTask<bool> IsAvailableAsync(Guid callId, CancellationToken cancellationToken = default);
}
