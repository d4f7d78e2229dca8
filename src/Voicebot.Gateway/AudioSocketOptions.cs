using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Voicebot.Gateway;

/// <summary>The AudioSocket listener that Asterisk connects to (section <c>AudioSocket</c>). Every default runs with no keys.</summary>
public sealed class AudioSocketOptions : IValidatableObject
{
    public const string SectionName = "AudioSocket";

    /// <summary>
    /// IP address to listen on. Default <c>127.0.0.1</c>: the socket carries unauthenticated call audio, so it is not
    /// exposed unless configured (<c>0.0.0.0</c> or <c>::</c> for every interface).
    /// </summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port that Asterisk's <c>AudioSocket()</c> connects to. Default 9090; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 9090;

    /// <summary>Calls served at once; the next caller hears <see cref="BusyPhraseKey"/> and is hung up. Default 20.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentCalls { get; set; } = 20;

    /// <summary>Largest inbound payload accepted, in bytes; a larger header hangs the connection up. One 20 ms slin frame is 320. Default 4096.</summary>
    [Range(320, 65535)]
    public int MaxPayloadBytes { get; set; } = 4096;

    /// <summary>Once the call is running, the peer sending nothing for this long is a protocol hang-up. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time from the TCP accept to the UUID message; past it the connection is hung up. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan UuidTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After the UUID, how long to wait for the first audio frame, whose kind gives the call's sample rate. Past it the
    /// call starts at 8 kHz (kind 0x10). Asterisk sends its first audio about 20 ms after the UUID. Default 500 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan FirstAudioTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Inbound 20 ms frames carried by one stream event to the call grain. 1 (default) sends every frame as it comes;
    /// 2 halves the stream hops per call at the price of up to one more frame of delay before the recognizer hears the
    /// caller (barge-in and recording see every frame at once). See README, "Performance".
    /// </summary>
    [Range(1, 10)]
    public int InboundFramesPerEvent { get; set; } = 1;

    /// <summary>
    /// Runs the AudioSocket connections' socket and pipe continuations inline (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>, for this listener only) instead of handing each 20 ms frame between Kestrel's
    /// I/O queues and the thread pool: a caller frame is parsed and published on the thread that completed the receive,
    /// and the pacer's writes go to the sockets from the pacer's own thread. Default true. It pays off together with the
    /// runtime's inline socket completions, which <c>voicebot serve</c> turns on (README, "Performance"): measured at
    /// 100 calls, a fifth less CPU per call. The gateway's own code on that path never blocks.
    /// </summary>
    public bool InlineSocketScheduling { get; set; } = true;

    /// <summary>
    /// Real-time FIFO priority (1–99) asked for the pacer's thread, so that a due tick preempts the machine's other work
    /// (the thread pool, the JIT, other processes); 0 leaves it normally scheduled. Needs root, <c>CAP_SYS_NICE</c> or
    /// <c>LimitRTPRIO=</c> (the systemd unit grants it); without the right, one log line and normal scheduling.
    /// Default 10: above normal threads, below the kernel's interrupt threads (50). With the native wire sender, only
    /// the sender's thread gets it: the pacer then keeps the queues a whole lead ahead and stays normally scheduled (a
    /// real-time managed thread can spin in the runtime's own waits). See README, "Performance".
    /// </summary>
    [Range(0, 99)]
    public int PacerRealtimePriority { get; set; } = 10;

    /// <summary>
    /// Outbound frames are written by the native wire sender (a thread outside the .NET runtime, so a garbage collection
    /// does not stop it) from frames queued up to <see cref="WireLeadFrames"/> ahead. Default true; Linux only, and
    /// only when the gateway was built with a C compiler — otherwise the pacer writes frames itself and logs why.
    /// See README, "Performance".
    /// </summary>
    public bool WireSender { get; set; } = true;

    /// <summary>
    /// How many 20 ms frames of the bot's audio are queued for the wire sender ahead of the wire: the longest stall of
    /// the runtime (a GC suspension, a starved thread pool) the caller does not hear. A barge-in drops them at once, a
    /// new phrase's first frame still goes out at the next tick, and the recording, the echo reference and "playback
    /// finished" follow what the sender wrote, so the lead costs no latency and changes nothing else. Default 16
    /// (320 ms); 1–32.
    /// </summary>
    [Range(1, 32)]
    public int WireLeadFrames { get; set; } = 16;

    /// <summary>
    /// Runs the outbound path once over an in-memory pipe at start-up, before the first call, so the first caller's
    /// frames are not held up while the pacer's code is compiled. Default true.
    /// </summary>
    public bool WarmUpPacer { get; set; } = true;

    /// <summary>
    /// For the capacity bench: a CSV file that receives one row per pacer tick (lateness, GC, JIT, thread pool, the
    /// pacer's scheduling delay) and, beside it, the runtime's suspensions. Empty (default): no trace.
    /// </summary>
    public string? PacerTraceFile { get; set; }

    /// <summary>Phrase played to a caller refused because <see cref="MaxConcurrentCalls"/> are active. Default <c>lines_busy</c>.</summary>
    [Required]
    public string BusyPhraseKey { get; set; } = "lines_busy";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            yield return new ValidationResult(
                $"'{ListenAddress}' is not an IP address (use 127.0.0.1, 0.0.0.0 or ::).", [nameof(ListenAddress)]);
        }
    }
}
