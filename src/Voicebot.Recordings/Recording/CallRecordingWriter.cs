using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Voicebot.Recordings.Recording;

/// <summary>
/// Starts call recordings and does all their file I/O: one background loop drains every active
/// <see cref="CallRecorder"/> every <see cref="DrainInterval"/>, and at once when a call ends, so a call costs no task
/// or thread of its own and the gateway's hot path never touches the disk. On shutdown every recording still open is
/// finished.
/// </summary>
public sealed class CallRecordingWriter : BackgroundService
{
    /// <summary>
    /// How often the writer moves recorded frames to disk: one write of half a second per recording and pass. Every
    /// 100 ms, the writes were 7 % of the product's CPU at 100 calls; a crash loses no more than before, since the
    /// header, which says how much of the file is audio, is updated every second
    /// (<see cref="RecordingOptions.HeaderUpdateInterval"/>).
    /// </summary>
    internal static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(500);

    private readonly Lock _gate = new();
    private readonly List<CallRecorder> _active = [];
    private readonly List<CallRecorder> _draining = [];
    private readonly RecordingOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<CallRecordingWriter> _logger;
    private TaskCompletionSource _wake = NewWake();

    /// <param name="options">The <c>Recordings</c> section.</param>
    /// <param name="directory">The recordings root, already resolved against the content root.</param>
    /// <param name="time">The clock that stamps frames and names files.</param>
    /// <param name="logger">For failures, with the call id.</param>
    public CallRecordingWriter(IOptions<RecordingOptions> options, RecordingDirectory directory, TimeProvider time, ILogger<CallRecordingWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        _options = options.Value;
        _directory = directory.Path;
        _time = time;
        _logger = logger;
    }

    /// <summary>Recordings not finished yet.</summary>
    public int ActiveRecordings
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>
    /// Starts recording a call at <paramref name="sampleRate"/>: the file is
    /// <c>{Directory}/yyyy-MM-dd/yyyyMMdd-HHmmss_{callId}.wav</c> (UTC). Does no I/O (the writer creates the file).
    /// </summary>
    /// <returns>The recorder to feed, or <see langword="null"/> when recordings are disabled.</returns>
    public CallRecorder? Start(Guid callId, int sampleRate)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        var recorder = new CallRecorder(
            callId, sampleRate, PathFor(_directory, callId, _time.GetUtcNow()), _time, _options.HeaderUpdateInterval, _logger, Wake);
        lock (_gate)
        {
            _active.Add(recorder);
        }

        return recorder;
    }

    /// <summary>Where a call started at <paramref name="startedAt"/> is recorded under <paramref name="root"/>.</summary>
    public static string PathFor(string root, Guid callId, DateTimeOffset startedAt)
    {
        var utc = startedAt.UtcDateTime;
        return System.IO.Path.Combine(
            root,
            utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{utc:yyyyMMdd-HHmmss}_{callId:D}.wav"));
    }

    /// <summary>One pass over every active recording. <paramref name="finish"/> finishes them all (shutdown).</summary>
    internal void DrainAll(bool finish)
    {
        _draining.Clear();
        lock (_gate)
        {
            _draining.AddRange(_active);
        }

        foreach (var recorder in _draining)
        {
            if (recorder.Drain(finish))
            {
                lock (_gate)
                {
                    _active.Remove(recorder);
                }
            }
        }
    }

    /// <summary>
    /// The writer runs on a thread of its own with plain synchronous writes. An asynchronous file write on Linux is
    /// that same write handed to a thread-pool worker and back, a wake-up per recording and pass, which at 100 calls
    /// was 7 % of the product's CPU; and a slow disk now holds up this thread alone, never the pool the calls run on
    /// (the recorders' rings take up the delay, and count what they must drop).
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Run(stoppingToken);
            stopped.TrySetResult();
        })
        {
            IsBackground = true,
            Name = "recording-writer",
        };
        thread.Start();
        return stopped.Task;
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A call ended: finish its file now rather than at the next pass.</summary>
    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Read before draining: a call ending meanwhile completes this one, and the wait returns at once.
                var wake = Volatile.Read(ref _wake);
                DrainAll(finish: false);
                Task.WaitAny([Task.Delay(DrainInterval, _time, CancellationToken.None), wake.Task], stoppingToken);
                if (wake.Task.IsCompleted)
                {
                    Interlocked.CompareExchange(ref _wake, NewWake(), wake);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: finish below.
        }
        catch (Exception ex)
        {
            RecordingsLog.RecordingWriterFailed(_logger, ex);
        }

        try
        {
            // Whatever is still open gets its last samples and final header: a clean stop leaves no file to repair.
            DrainAll(finish: true);
        }
        catch (Exception ex)
        {
            RecordingsLog.RecordingWriterFailed(_logger, ex);
        }
    }
}
