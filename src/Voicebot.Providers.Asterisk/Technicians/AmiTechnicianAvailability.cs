using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Technicians;
using Voicebot.Providers.Asterisk.Ami;

namespace Voicebot.Providers.Asterisk.Technicians;

/// <summary>
/// Technician availability from Asterisk: <c>QueueSummary</c> for <see cref="AmiOptions.Queue"/>, available when its
/// <c>Available</c> count is above zero. Answers are reused for <see cref="AmiOptions.AvailabilityCacheDuration"/> and
/// concurrent checks share one action. When AMI is down or slow the answer is "not available" (the caller leaves a
/// message) without waiting: the call must not stall on the PBX. Thread-safe.
/// </summary>
/// <remarks>
/// <c>QueueSummary</c> rather than <c>Getvar QUEUE_MEMBER(technicians,ready)</c>: it is a plain manager action that
/// any logged-in AMI user may send (app_queue.c registers it with no privilege class; <c>Getvar</c> needs
/// <c>call</c> or <c>reporting</c> and evaluates a dialplan function on a dummy channel), it gives
/// <c>LoggedIn</c> and <c>Callers</c> for the log, and its <c>Available</c> count (members NOT_INUSE or UNKNOWN, not
/// paused) is the set <c>Queue()</c> will ring. Members without device state show as available: give the technicians'
/// endpoints a device state (PJSIP endpoints have one).
/// </remarks>
public sealed class AmiTechnicianAvailability : ITechnicianAvailability
{
    private readonly IAmiClient _ami;
    private readonly AmiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AmiTechnicianAvailability> _logger;
    private readonly Lock _gate = new();
    private QueueSnapshot? _cached;
    private DateTimeOffset _cachedUntil;
    private Task<QueueSnapshot>? _inFlight;
    private int _queriesSent;

    public AmiTechnicianAvailability(IAmiClient ami, IOptions<AmiOptions> options, TimeProvider time, ILogger<AmiTechnicianAvailability> logger)
    {
        ArgumentNullException.ThrowIfNull(ami);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _ami = ami;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many <c>QueueSummary</c> actions were sent (tests and diagnostics).</summary>
    public int QueriesSent => Volatile.Read(ref _queriesSent);

    /// <inheritdoc />
    public async ValueTask<bool> IsAvailableAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task<QueueSnapshot> query;
        lock (_gate)
        {
            if (_cached is { } cached && _time.GetUtcNow() < _cachedUntil)
            {
                return Report(callId, cached, fromCache: true);
            }

            if (!_ami.IsConnected)
            {
                AsteriskLog.TechnicianAvailabilityUnknown(_logger, callId, "not connected");
                return false;
            }

            query = _inFlight ??= QueryAsync();
        }

        QueueSnapshot snapshot;
        try
        {
            snapshot = await query.WaitAsync(cancellationToken);
        }
        catch (AmiUnavailableException ex)
        {
            AsteriskLog.TechnicianAvailabilityUnknown(_logger, callId, ex.Message);
            return false;
        }

        return Report(callId, snapshot, fromCache: false);
    }

    private bool Report(Guid callId, QueueSnapshot snapshot, bool fromCache)
    {
        if (!snapshot.Found)
        {
            AsteriskLog.QueueNotFound(_logger, callId, _options.Queue);
            return false;
        }

        var available = snapshot.Available > 0;
        AsteriskLog.TechnicianAvailabilityChecked(
            _logger, callId, available, _options.Queue, snapshot.Available, snapshot.LoggedIn, snapshot.Callers, fromCache);
        return available;
    }

    /// <summary>One shared query; not tied to any caller's token (the client's request timeout bounds it).</summary>
    private async Task<QueueSnapshot> QueryAsync()
    {
        await Task.Yield();   // run outside the lock, and never complete before _inFlight is assigned
        try
        {
            Interlocked.Increment(ref _queriesSent);
            var reply = await _ami.SendAsync(new AmiAction("QueueSummary") { ["Queue"] = _options.Queue }, CancellationToken.None);
            if (!reply.IsSuccess)
            {
                throw new AmiUnavailableException($"QueueSummary refused: {reply.MessageText}");
            }

            var snapshot = QueueSnapshot.NotFound;
            foreach (var item in reply.Events)
            {
                if (string.Equals(item.EventName, "QueueSummary", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(item["Queue"], _options.Queue, StringComparison.Ordinal))
                {
                    snapshot = new QueueSnapshot(true, ParseCount(item["LoggedIn"]), ParseCount(item["Available"]), ParseCount(item["Callers"]));
                    break;
                }
            }

            lock (_gate)
            {
                _cached = snapshot;
                _cachedUntil = _time.GetUtcNow() + _options.AvailabilityCacheDuration;
            }

            return snapshot;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight = null;
            }
        }
    }

    private static int ParseCount(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;

    private sealed record QueueSnapshot(bool Found, int LoggedIn, int Available, int Callers)
    {
        public static QueueSnapshot NotFound { get; } = new(false, 0, 0, 0);
    }
}
