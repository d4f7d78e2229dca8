using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Voicebot.Gateway.Calls;

/// <summary>
/// Tells the control plane of each playback the caller has heard to its end, in order, off the thread that found it
/// (the pacer's serves every call). One per admitted call; <see cref="Finished"/> is called under the session's lock.
/// </summary>
internal sealed class PlaybackFinishedReports
{
    private readonly Channel<int> _finished =
        Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly Guid _callId;
    private readonly ILogger _logger;

    public PlaybackFinishedReports(Guid callId, ICallControl control, ILogger logger)
    {
        _callId = callId;
        _logger = logger;
        _ = ReportAsync(control);
    }

    public void Finished(int playbackId) => _finished.Writer.TryWrite(playbackId);

    /// <summary>No more playbacks finish: the reports already queued still go.</summary>
    public void Complete() => _finished.Writer.TryComplete();

    private async Task ReportAsync(ICallControl control)
    {
        await foreach (var playbackId in _finished.Reader.ReadAllAsync())
        {
            try
            {
                await control.PlaybackFinishedAsync(_callId, playbackId);
            }
            catch (Exception ex)
            {
                GatewayLog.ControlPlaneFailed(_logger, _callId, "playback-finished", ex);
            }
        }
    }
}
