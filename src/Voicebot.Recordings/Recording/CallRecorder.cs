using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Voicebot.Recordings.Files;

namespace Voicebot.Recordings.Recording;

/// <summary>
/// Records one call as a stereo 16-bit WAV file: the caller on the left channel, the bot on the right, on one timeline.
/// The gateway feeds it per frame (<see cref="WriteCaller"/> from the connection's read loop, <see cref="WriteBot(ReadOnlySpan{byte})"/>
/// from the pacer); those calls only copy into a ring allocated once for the call and return: no allocation, no lock,
/// no I/O, no exception. <see cref="CallRecordingWriter"/> does the file work in the background.
/// </summary>
/// <remarks>
/// <para>
/// Alignment: every frame is stamped with the shared <see cref="TimeProvider"/> clock when it crosses the gateway (the
/// caller's when it is read: it ends then; the bot's when the pacer sends it: it starts then) and placed on the call's
/// timeline at that time. Counting frames alone would drift: Asterisk leaves gaps (about 120 ms around each DTMF
/// digit), a late pacer tick sends one frame for two slots, a full ring drops frames. So a channel runs contiguously
/// while its stamps agree with its position within <see cref="GapTolerance"/> (network and scheduling jitter), and a
/// longer hole becomes silence at the right place; a channel that is silent altogether (no frames) is padded up to
/// <see cref="IdleLag"/> behind the clock so the file keeps growing.
/// </para>
/// <para>
/// File safety: samples are written first, the header's sizes after them, at most every
/// <see cref="RecordingOptions.HeaderUpdateInterval"/>; the header never claims more than is on disk, so a crash or
/// kill -9 leaves a playable file up to the last update.
/// </para>
/// </remarks>
public sealed class CallRecorder
{
    /// <summary>A hole in a channel shorter than this is jitter, not silence: the next frame follows on directly.</summary>
    internal static readonly TimeSpan GapTolerance = TimeSpan.FromMilliseconds(60);

    /// <summary>How far behind the clock a channel with no frames at all is padded with silence.</summary>
    internal static readonly TimeSpan IdleLag = TimeSpan.FromMilliseconds(500);

    // Time the writer may fall behind (slow disk) before frames are dropped, and the most one channel may run ahead.
    private static readonly TimeSpan RingLength = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PendingLength = TimeSpan.FromSeconds(3);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _headerInterval;
    private readonly FrameRing _caller;
    private readonly FrameRing _bot;
    private readonly ChannelTrack _left;
    private readonly ChannelTrack _right;
    private readonly byte[] _interleaved;
    private readonly byte[] _header = new byte[WavHeader.CanonicalSize];
    private readonly long _start;
    private readonly long _ticksPerByte;
    private readonly long _frameTicks;
    private readonly int _gapSamples;
    private readonly int _idleLagSamples;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action? _completeRequestedCallback;
    private SafeFileHandle? _file;
    private long _committed;
    private long _dataBytes;
    private long _headerDataBytes;
    private long _lastHeaderUpdate;
    private long _droppedReported;
    private bool _completeRequested;
    private bool _stopped;
    private bool _openFailed;

    internal CallRecorder(
        Guid callId, int sampleRate, string path, TimeProvider time, TimeSpan headerInterval, ILogger logger, Action? completeRequested = null)
    {
        _completeRequestedCallback = completeRequested;
        CallId = callId;
        SampleRate = sampleRate;
        Path = path;
        _time = time;
        _logger = logger;
        _headerInterval = headerInterval;
        _start = time.GetTimestamp();
        _lastHeaderUpdate = _start;
        _ticksPerByte = Math.Max(1, time.TimestampFrequency / (2L * sampleRate));
        _frameTicks = time.TimestampFrequency / 50;   // 20 ms
        _gapSamples = Samples(GapTolerance);
        _idleLagSamples = Samples(IdleLag);
        var frameBytes = sampleRate / 50 * 2;
        var slots = (int)(RingLength / TimeSpan.FromMilliseconds(20));
        _caller = new FrameRing(slots, frameBytes);
        _bot = new FrameRing(slots, frameBytes);
        _left = new ChannelTrack(Samples(PendingLength));
        _right = new ChannelTrack(Samples(PendingLength));
        _interleaved = new byte[sampleRate * 4 / 2];   // half a second of stereo per write
    }

    /// <summary>The call (AudioSocket UUID).</summary>
    public Guid CallId { get; }

    /// <summary>Hz: the call's rate.</summary>
    public int SampleRate { get; }

    /// <summary>Where the WAV file is written.</summary>
    public string Path { get; }

    /// <summary>
    /// The file for the call record: <see cref="Path"/>, or <see langword="null"/> when the file could not even be
    /// created. A recording stopped by an I/O error mid-call keeps its path: the file is valid up to the error.
    /// </summary>
    public string? RecordingPath => Volatile.Read(ref _openFailed) ? null : Path;

    /// <summary>True once the recording stopped because of an I/O error (logged with the call id).</summary>
    public bool Failed { get; private set; }

    /// <summary>Completes when the file is finished and closed (or the recording failed). Never faults.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Frames (both channels) dropped because the writer had fallen behind; their slots are silence in the file.</summary>
    public long DroppedFrames => _caller.Dropped + _bot.Dropped;

    /// <summary>Audio bytes (both channels) written to the file so far.</summary>
    public long DataBytes => Interlocked.Read(ref _dataBytes);

    /// <summary>One caller frame as read from the socket (left channel). Copies and returns; never throws.</summary>
    public void WriteCaller(ReadOnlySpan<byte> pcm)
    {
        if (!Volatile.Read(ref _stopped))
        {
            _caller.TryWrite(pcm[..(pcm.Length & ~1)], _time.GetTimestamp(), _ticksPerByte);
        }
    }

    /// <summary>One bot frame as sent on the wire (right channel). Copies and returns; never throws.</summary>
    public void WriteBot(ReadOnlySpan<byte> pcm)
    {
        if (!Volatile.Read(ref _stopped))
        {
            // Stamped with its end, like a caller frame: it starts playing when it is sent.
            _bot.TryWrite(pcm[..(pcm.Length & ~1)], _time.GetTimestamp() + _frameTicks * pcm.Length / (SampleRate / 50 * 2), _ticksPerByte);
        }
    }

    /// <summary>
    /// One bot frame queued to go on the wire at <paramref name="startsAt"/> (a timestamp of the recorder's clock), for
    /// a sender that writes frames queued ahead of time. Copies and returns; never throws.
    /// </summary>
    public void WriteBot(ReadOnlySpan<byte> pcm, long startsAt)
    {
        if (!Volatile.Read(ref _stopped))
        {
            _bot.TryWrite(pcm[..(pcm.Length & ~1)], startsAt + _frameTicks * pcm.Length / (SampleRate / 50 * 2), _ticksPerByte);
        }
    }

    /// <summary>
    /// The call is over: no more frames will come. The writer writes what is left, the final header, and closes the file;
    /// then <see cref="Completion"/> completes. Call it once both producers have stopped.
    /// </summary>
    public void Complete()
    {
        Volatile.Write(ref _completeRequested, true);
        _completeRequestedCallback?.Invoke();
    }

    /// <summary>
    /// Moves what the producers wrote into the file. Called by the writer only, never concurrently.
    /// Returns <see langword="true"/> once the recording is finished (or failed) and can be forgotten.
    /// </summary>
    internal bool Drain(bool finish)
    {
        if (_completion.Task.IsCompleted)
        {
            return true;
        }

        // Read before draining: frames published after this are stamped after it too.
        finish |= Volatile.Read(ref _completeRequested);
        var now = _time.GetTimestamp();
        try
        {
            _file ??= Open();
            Take(_caller, _left);
            Take(_bot, _right);
            ReportDrops();
            if (finish)
            {
                var end = Math.Max(_left.End, _right.End);
                _left.PadTo(_committed, end);
                _right.PadTo(_committed, end);
                Commit(end);
                WriteHeader();
                Close();
                RecordingsLog.RecordingFinished(_logger, CallId, Path, (double)_dataBytes / 4 / SampleRate);
                _completion.TrySetResult();
                return true;
            }

            var horizon = Position(now) - _idleLagSamples;
            _left.PadTo(_committed, Math.Min(horizon, _committed + _left.Capacity));
            _right.PadTo(_committed, Math.Min(horizon, _committed + _right.Capacity));
            Commit(Math.Min(_left.End, _right.End));
            if (_time.GetElapsedTime(_lastHeaderUpdate, now) >= _headerInterval)
            {
                WriteHeader();
                _lastHeaderUpdate = now;
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // A full disk or a broken directory stops this recording only: the call carries on.
            Volatile.Write(ref _stopped, true);
            Failed = true;
            Volatile.Write(ref _openFailed, _file is null);
            RecordingsLog.RecordingFailed(_logger, CallId, Path, ex);
            Close();
            _completion.TrySetResult();
            return true;
        }
    }

    private SafeFileHandle Open()
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var file = File.OpenHandle(Path, FileMode.Create, FileAccess.Write, FileShare.Read);
        Span<byte> header = stackalloc byte[WavHeader.CanonicalSize];
        WavHeader.WriteCanonical(header, 2, SampleRate, 16, 0);
        RandomAccess.Write(file, header, 0);
        RecordingsLog.RecordingStarted(_logger, CallId, Path);
        return file;
    }

    private void Take(FrameRing ring, ChannelTrack track)
    {
        while (ring.TryPeek(out var pcm, out var stamp))
        {
            var samples = pcm.Length / 2;
            var timed = Math.Max(0, Position(stamp) - samples);
            var start = track.End;
            if (!track.Started || timed - track.End > _gapSamples)
            {
                start = Math.Max(timed, track.End);
                track.Started = true;
            }

            var overflow = start + samples - (_committed + track.Capacity);
            if (overflow > 0)
            {
                // This channel ran far ahead of the other (which stalled): write out the oldest part, the other padded.
                var other = ReferenceEquals(track, _left) ? _right : _left;
                var to = _committed + overflow;
                track.PadTo(_committed, to);
                other.PadTo(_committed, to);
                Commit(to);
            }

            track.Place(_committed, start, pcm);
            ring.Advance();
        }
    }

    private void Commit(long to)
    {
        while (_committed < to)
        {
            var samples = (int)Math.Min(to - _committed, _interleaved.Length / 4);
            Interleave(samples);
            RandomAccess.Write(_file!, _interleaved.AsSpan(0, samples * 4), WavHeader.CanonicalSize + _dataBytes);
            _left.Consume(_committed, samples);
            _right.Consume(_committed, samples);
            _committed += samples;
            Interlocked.Add(ref _dataBytes, samples * 4);
        }
    }

    private void Interleave(int samples)
    {
        var left = _left.Pending(0, samples);
        var right = _right.Pending(0, samples);
        var output = _interleaved.AsSpan();
        for (var i = 0; i < samples; i++)
        {
            output[i * 4] = left[i * 2];
            output[(i * 4) + 1] = left[(i * 2) + 1];
            output[(i * 4) + 2] = right[i * 2];
            output[(i * 4) + 3] = right[(i * 2) + 1];
        }
    }

    private void WriteHeader()
    {
        if (_dataBytes == _headerDataBytes)
        {
            return;
        }

        // The samples are already written (RandomAccess does not buffer): the header now claims no more than the disk holds.
        WavHeader.WriteCanonical(_header, 2, SampleRate, 16, _dataBytes);
        RandomAccess.Write(_file!, _header, 0);
        _headerDataBytes = _dataBytes;
    }

    private void ReportDrops()
    {
        var dropped = DroppedFrames;
        if (dropped != _droppedReported)
        {
            RecordingsLog.RecordingFramesDropped(_logger, CallId, dropped - _droppedReported);
            _droppedReported = dropped;
        }
    }

    private void Close()
    {
        Volatile.Write(ref _stopped, true);
        _file?.Dispose();
    }

    private long Position(long stamp) => _time.GetElapsedTime(_start, stamp).Ticks * SampleRate / TimeSpan.TicksPerSecond;

    private int Samples(TimeSpan duration) => (int)(duration.Ticks * SampleRate / TimeSpan.TicksPerSecond);
}
