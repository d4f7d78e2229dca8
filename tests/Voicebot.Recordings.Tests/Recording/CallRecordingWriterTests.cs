using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Voicebot.Recordings.Recording;
using Voicebot.Recordings.Tests.Support;
using Voicebot.Testing;
using Voicebot.Testing.Paths;

namespace Voicebot.Recordings.Tests.Recording;

public sealed class CallRecordingWriterTests : IDisposable
{
    private const int Rate = 8000;
    private const int FrameSamples = 160;
    private const short CallerTone = 1000;
    private const short CallerTone2 = 1500;
    private const short BotTone = -2000;
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));
    private readonly FakeLogCollector _logs = new();
    private readonly string _root = RepositoryPaths.NewTemporaryDirectory("voicebot-recordings");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Start_NamesTheFileByUtcDateAndCallId()
    {
        var writer = NewWriter();
        var callId = Guid.NewGuid();

        var recorder = writer.Start(callId, Rate)!;

        Assert.Equal(Path.Combine(_root, "2026-03-14", $"20260314-092653_{callId:D}.wav"), recorder.Path);
        Assert.Equal(recorder.Path, recorder.RecordingPath);
        Assert.Equal(1, writer.ActiveRecordings);
    }

    [Fact]
    public void Start_WhenDisabled_RecordsNothing()
    {
        var writer = NewWriter(o => o.Enabled = false);

        Assert.Null(writer.Start(Guid.NewGuid(), Rate));
        Assert.Equal(0, writer.ActiveRecordings);
    }

    [Fact]
    public async Task Drain_WhileTheCallRuns_LeavesAValidHeaderAtEveryMoment()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;
        var checks = 0;

        for (var k = 0; k < 150; k++)
        {
            recorder.WriteBot(StereoRecording.Frame(BotTone));
            _time.Advance(Frame);
            recorder.WriteCaller(StereoRecording.Frame(CallerTone));
            if (k % 5 == 4)
            {
                writer.DrainAll(finish: false);
                var file = StereoRecording.Read(recorder.Path);
                file.AssertConsistent(Rate);

                // Never more than the header interval (1 s) plus one drain behind the audio fed so far.
                var fed = (k + 1) * FrameSamples;
                Assert.InRange(file.Left.Length, fed - Rate - (5 * FrameSamples), fed);
                checks++;
            }
        }

        Assert.Equal(30, checks);
        Assert.True(StereoRecording.Read(recorder.Path).Header.DataBytes > 0);
    }

    [Fact]
    public async Task Complete_WritesTheRestAndTheFinalHeader()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;
        for (var k = 0; k < 10; k++)
        {
            recorder.WriteBot(StereoRecording.Frame(BotTone));
            _time.Advance(Frame);
            recorder.WriteCaller(StereoRecording.Frame(CallerTone));
        }

        recorder.Complete();
        writer.DrainAll(finish: false);

        Assert.True(recorder.Completion.IsCompletedSuccessfully);
        Assert.False(recorder.Failed);
        Assert.Equal(0, writer.ActiveRecordings);
        var file = StereoRecording.Read(recorder.Path);
        file.AssertConsistent(Rate);
        Assert.Equal(file.FileLength - 44, file.Header.DataBytes);
        Assert.Equal(10 * FrameSamples, file.Left.Length);
        Assert.All(file.Left, s => Assert.Equal(CallerTone, s));
        Assert.All(file.Right, s => Assert.Equal(BotTone, s));
    }

    [Fact]
    public async Task Recording_PlacesBothChannelsByTime_CallerLeftBotRight()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;

        for (var k = 0; k < 150; k++)
        {
            // The pacer sends bot frame k at k × 20 ms; caller frame k arrives when it ends, at (k + 1) × 20 ms.
            recorder.WriteBot(StereoRecording.Frame(k is >= 10 and < 30 ? BotTone : (short)0));
            _time.Advance(Frame);
            if (k is >= 80 and < 86)
            {
                continue;   // 120 ms with no caller frame, as Asterisk does around a DTMF digit
            }

            recorder.WriteCaller(StereoRecording.Frame(k switch
            {
                >= 50 and < 70 => CallerTone,
                >= 86 and < 91 => CallerTone2,
                _ => 0,
            }));
            if (k % 10 == 9)
            {
                writer.DrainAll(finish: false);
            }
        }

        recorder.Complete();
        writer.DrainAll(finish: false);

        var file = StereoRecording.Read(recorder.Path);
        file.AssertConsistent(Rate);
        Assert.Equal((10 * FrameSamples, (30 * FrameSamples) - 1), (StereoRecording.First(file.Right, BotTone), StereoRecording.Last(file.Right, BotTone)));
        Assert.Equal((50 * FrameSamples, (70 * FrameSamples) - 1), (StereoRecording.First(file.Left, CallerTone), StereoRecording.Last(file.Left, CallerTone)));
        Assert.Equal((86 * FrameSamples, (91 * FrameSamples) - 1), (StereoRecording.First(file.Left, CallerTone2), StereoRecording.Last(file.Left, CallerTone2)));
        Assert.Equal(-1, StereoRecording.First(file.Left, BotTone));
        Assert.Equal(-1, StereoRecording.First(file.Right, CallerTone));
        Assert.Equal(150 * FrameSamples, file.Left.Length);
    }

    [Fact]
    public async Task Recording_CallerFramesInBurstsWithinTheTolerance_StayContiguous()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;

        for (var k = 0; k < 100; k += 2)
        {
            // Two caller frames read together every 40 ms (jitter): no silence may appear between them.
            recorder.WriteBot(StereoRecording.Frame(0));
            _time.Advance(Frame);
            recorder.WriteBot(StereoRecording.Frame(0));
            _time.Advance(Frame);
            recorder.WriteCaller(StereoRecording.Frame(k is >= 20 and < 60 ? CallerTone : (short)1));
            recorder.WriteCaller(StereoRecording.Frame(k + 1 is >= 20 and < 60 ? CallerTone : (short)1));
        }

        recorder.Complete();
        writer.DrainAll(finish: false);

        var file = StereoRecording.Read(recorder.Path);
        var first = StereoRecording.First(file.Left, CallerTone);
        var last = StereoRecording.Last(file.Left, CallerTone);
        Assert.Equal(40 * FrameSamples, last - first + 1);
        Assert.Equal(40 * FrameSamples, file.Left.Count(s => s == CallerTone));
        Assert.InRange(first, 20 * FrameSamples, (20 * FrameSamples) + (CallRecorder.GapTolerance.Milliseconds * Rate / 1000));
        Assert.Equal(-1, Array.IndexOf(file.Left, (short)0, first, 100 * FrameSamples - first - FrameSamples));
    }

    [Fact]
    public async Task Recording_SilentChannel_IsPaddedSoTheFileKeepsGrowing()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;

        for (var k = 0; k < 100; k++)
        {
            recorder.WriteBot(StereoRecording.Frame(BotTone));   // the caller sends nothing at all
            _time.Advance(Frame);
        }

        writer.DrainAll(finish: false);

        var file = StereoRecording.Read(recorder.Path);
        Assert.Equal((100 * FrameSamples) - (int)(CallRecorder.IdleLag.TotalSeconds * Rate), file.Left.Length);
        Assert.All(file.Left, s => Assert.Equal(0, s));
        Assert.All(file.Right, s => Assert.Equal(BotTone, s));
    }

    [Fact]
    public async Task Write_WhenTheWriterFallsBehind_DropsWithoutBlockingAndKeepsTime()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;

        for (var k = 0; k < 250; k++)
        {
            recorder.WriteBot(StereoRecording.Frame(BotTone));
            _time.Advance(Frame);
            recorder.WriteCaller(StereoRecording.Frame(CallerTone));
        }

        recorder.Complete();
        writer.DrainAll(finish: false);

        Assert.True(recorder.DroppedFrames > 0);
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "RecordingFramesDropped" && r.Message.Contains(recorder.CallId.ToString(), StringComparison.Ordinal));
        var file = StereoRecording.Read(recorder.Path);
        Assert.Equal(150 * FrameSamples, StereoRecording.Last(file.Left, CallerTone) + 1);   // the ring's 3 s, written in order
    }

    [Fact]
    public void Write_OnTheHotPath_AllocatesNothing()
    {
        var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;
        var frame = StereoRecording.Frame(CallerTone);
        recorder.WriteCaller(frame);
        recorder.WriteBot(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 0; k < 100; k++)
        {
            recorder.WriteCaller(frame);
            recorder.WriteBot(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public async Task Drain_OnAFullDisk_StopsTheRecordingAndLogsTheCallId()
    {
        var writer = NewWriter();
        var callId = Guid.NewGuid();
        var path = CallRecordingWriter.PathFor(_root, callId, _time.GetUtcNow());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, "/dev/full");   // every write fails with ENOSPC
        var recorder = writer.Start(callId, Rate)!;
        recorder.WriteCaller(StereoRecording.Frame(CallerTone));

        writer.DrainAll(finish: false);
        recorder.WriteCaller(StereoRecording.Frame(CallerTone));
        recorder.WriteBot(StereoRecording.Frame(BotTone));
        recorder.Complete();

        Assert.True(recorder.Failed);
        Assert.True(recorder.Completion.IsCompletedSuccessfully);
        Assert.Equal(0, writer.ActiveRecordings);
        var failure = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "RecordingFailed");
        Assert.Contains(callId.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(failure.Exception, exactMatch: false);
    }

    [Fact]
    public async Task Drain_WhenTheDirectoryCannotBeCreated_LeavesNoRecordingPath()
    {
        var blocker = Path.Combine(_root, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x", _ct);
        var writer = NewWriter(o => o.Directory = blocker);
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;
        recorder.WriteCaller(StereoRecording.Frame(CallerTone));

        writer.DrainAll(finish: false);

        Assert.True(recorder.Failed);
        Assert.Null(recorder.RecordingPath);
        recorder.WriteCaller(StereoRecording.Frame(CallerTone));
    }

    [Fact]
    public async Task Running_ACallEnds_TheFileIsFinishedWithoutWaitingForTheNextPass()
    {
        using var writer = NewWriter();
        var recorder = writer.Start(Guid.NewGuid(), Rate)!;
        for (var k = 0; k < 10; k++)
        {
            recorder.WriteBot(StereoRecording.Frame(BotTone));
            _time.Advance(Frame);
            recorder.WriteCaller(StereoRecording.Frame(CallerTone));
        }

        // The writer's first pass creates the file; from then on the clock stands still, so only the call's end can
        // make it pass again.
        await writer.StartAsync(_ct);
        await Waits.UntilAsync(() => File.Exists(recorder.Path), _ct);
        recorder.Complete();
        await recorder.Completion.WaitAsync(TimeSpan.FromSeconds(30), _ct);

        var file = StereoRecording.Read(recorder.Path);
        file.AssertConsistent(Rate);
        Assert.Equal(10 * FrameSamples, file.Left.Length);
        Assert.Equal(0, writer.ActiveRecordings);
        await writer.StopAsync(_ct);
    }

    private CallRecordingWriter NewWriter(Action<RecordingOptions>? configure = null)
    {
        var options = new RecordingOptions { Directory = _root };
        configure?.Invoke(options);
        return new CallRecordingWriter(
            Options.Create(options),
            RecordingDirectory.Resolve("/", options.Directory),
            _time,
            new FakeLogger<CallRecordingWriter>(_logs));
    }
}
