namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>A logged-in AMI session that survives reconnections. Implementations are thread-safe.</summary>
public interface IAmiClient
{
    /// <summary>True while connected and logged in.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Unsolicited events (and events carrying an unknown <c>ActionID</c>), raised on the connection's read loop: keep
    /// handlers short and non-blocking. Which events arrive depends on <see cref="AmiOptions.Events"/>.
    /// </summary>
    event EventHandler<AmiMessage>? EventReceived;

    /// <summary>
    /// Sends <paramref name="action"/> and waits for its reply (and, for list actions, every event of the list).
    /// A <c>Response: Error</c> is returned, not thrown.
    /// </summary>
    /// <exception cref="AmiUnavailableException">Not logged in, the connection dropped, or no reply in time.</exception>
    Task<AmiResponse> SendAsync(AmiAction action, CancellationToken cancellationToken = default);

    /// <summary>Completes once the client is connected and logged in (at once if it already is).</summary>
    Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default);
}
