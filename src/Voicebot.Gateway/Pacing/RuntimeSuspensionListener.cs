using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Voicebot.Gateway.Pacing;

/// <summary>
/// Writes every runtime suspension of this process — the pause in which no managed thread runs, the pacer included —
/// as one CSV row: begin, the moment every thread had stopped, and end (Stopwatch ticks), the runtime's reason (<c>gc</c>, or another such as the tiered
/// compiler's call-counting clean-up) and the collection's generation when there was one. Part of <see cref="PacerTrace"/>.
/// </summary>
/// <remarks>
/// Listens to the runtime's own events (<c>GCSuspendEEBegin</c>/<c>End</c>, <c>GCStart</c>, <c>GCRestartEEEnd</c>, GC keyword,
/// informational). They arrive late and in batches, but carry their timestamps. A diagnostic for the bench only.
/// </remarks>
internal sealed class RuntimeSuspensionListener : EventListener
{
    public const string Header = "begin,suspended,end,reason,generation,gc_reason,gc_type";

    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int GcStartId = 1;
    private const int RestartEndId = 3;
    private const int SuspendEndId = 8;
    private const int SuspendBeginId = 9;

    private static readonly string[] Reasons =
        ["other", "gc", "appdomain-shutdown", "code-pitching", "shutdown", "debugger", "gc-prep", "debugger-sweep"];

    // The runtime's GC reasons and types (GCStart_V2), in its numbering.
    private static readonly string[] GcReasons =
    [
        "alloc-small", "induced", "low-memory", "empty", "alloc-large", "out-of-space-soh", "out-of-space-loh",
        "induced-not-forced", "internal-tuning", "induced-low-memory", "induced-compacting", "low-memory-host",
        "pm-full-gc", "low-memory-host-blocking",
    ];

    private static readonly string[] GcTypes = ["blocking", "background", "foreground"];

    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _firstRow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StreamWriter? _output;
    private readonly long _anchorTicks = Stopwatch.GetTimestamp();
    private readonly DateTime _anchorUtc = TimeProvider.System.GetUtcNow().UtcDateTime;
    private long _begin;
    private long _suspended;
    private string _reason = "other";
    private int _generation = -1;
    private string _gcReason = "";
    private string _gcType = "";

    public RuntimeSuspensionListener(string path)
    {
        lock (_gate)
        {
            _output = new StreamWriter(path, append: false) { AutoFlush = true };
            _output.WriteLine(Header);
        }
    }

    /// <summary>Completes once the first suspension has been written (tests wait on it).</summary>
    public Task FirstRowWritten => _firstRow.Task;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        lock (_gate)
        {
            if (_output is null)
            {
                return;   // an event raised while the base constructor runs
            }

            switch (eventData.EventId)
            {
                case SuspendBeginId:
                    _begin = ToStopwatch(eventData.TimeStamp);
                    _reason = Payload(eventData, "Reason") is { } reason && reason >= 0 && reason < Reasons.Length ? Reasons[reason] : "other";
                    _suspended = 0;
                    _generation = -1;
                    _gcReason = "";
                    _gcType = "";
                    break;
                case SuspendEndId:
                    _suspended = ToStopwatch(eventData.TimeStamp);
                    break;
                case GcStartId:
                    _generation = Payload(eventData, "Depth") ?? -1;
                    _gcReason = Name(GcReasons, Payload(eventData, "Reason"));
                    _gcType = Name(GcTypes, Payload(eventData, "Type"));
                    break;
                case RestartEndId when _begin != 0:
                    try
                    {
                        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_begin},{(_suspended == 0 ? _begin : _suspended)},{ToStopwatch(eventData.TimeStamp)},{_reason},{_generation},{_gcReason},{_gcType}"));
                    }
                    catch (IOException)
                    {
                        // A diagnostic: a full disk loses rows, nothing else.
                    }

                    _begin = 0;
                    _firstRow.TrySetResult();
                    break;
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        lock (_gate)
        {
            _output?.Dispose();
        }
    }

    private long ToStopwatch(DateTime utc) =>
        _anchorTicks + (long)((utc.ToUniversalTime() - _anchorUtc).TotalSeconds * Stopwatch.Frequency);

    private static string Name(string[] names, int? value) =>
        value is { } index && index >= 0 && index < names.Length ? names[index] : value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static int? Payload(EventWrittenEventArgs eventData, string name)
    {
        var index = eventData.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && eventData.Payload?[index] is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
    }
}
