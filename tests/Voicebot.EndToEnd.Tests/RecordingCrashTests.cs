using System.Buffers.Binary;
using System.Globalization;
using NAudio.Wave;
using Spectre.Console;
using Voicebot.Cli.Commands;
using Voicebot.Protocol;
using Voicebot.Recordings.Files;
using Voicebot.Testing.Gateway;
using Voicebot.Testing.Processes;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The issue's "recording survives kill -9": the real <c>voicebot serve</c> as a child process, a call over real TCP,
/// SIGKILL mid-call, then the WAV on disk is checked and repaired. Runs alone: a second whole product starting up
/// would steal the CPU the other end-to-end calls need to stay paced.
/// </summary>
[Collection(nameof(RecordingCrashTests))]
public sealed class RecordingCrashTests
{
    /// <summary>
    /// The caller's line: a constant level under every voice threshold (about -50 dBFS). A louder one is a caller
    /// talking over the welcome phrase, and the bot's barge-in stops it after a frame or two: the bot's channel was
    /// then sometimes all silence.
    /// </summary>
    private const short CallerTone = 100;
    private static readonly TimeSpan HeaderUpdateInterval = TimeSpan.FromSeconds(1);

    /// <summary>1.5 s of the bot's voice on the wire: more than the recording's header cadence.</summary>
    private const int BotSpeechFramesBeforeKill = 75;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    /// <summary>Keeps the crash test out of the parallel scenario calls.</summary>
    [CollectionDefinition(nameof(RecordingCrashTests), DisableParallelization = true)]
    public sealed class Alone;

    [Fact]
    public async Task Serve_KilledMidCall_LeavesAPlayableStereoRecordingThatRepairCompletes()
    {
        // Recordings go under the product's own working directory, deleted when it is disposed.
        await using var bot = await VoicebotServeProcess.StartAsync(
            new VoicebotServeSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = $"crash-{Guid.NewGuid():N}",
                    ["Recordings__HeaderUpdateInterval"] = HeaderUpdateInterval.ToString("c", CultureInfo.InvariantCulture),
                    ["Serilog__MinimumLevel__Default"] = "Warning",
                },
            },
            _ct);
        var recordings = Path.Combine(bot.WorkingDirectory, "recordings");
        var callId = Guid.NewGuid();
        double sentSeconds, sentByTheEnd;
        await using (var caller = await FakeAsteriskClient.ConnectAsync(bot.AudioSocketPort, _ct))
        {
            var tone = new byte[320];
            for (var i = 0; i < 160; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(tone.AsSpan(i * 2), CallerTone);
            }

            caller.AudioSource = _ => tone;
            await caller.SendUuidAsync(callId, _ct);
            caller.StartAudioPump();

            // Mid-call: the bot is talking (its welcome phrase has been heard for longer than the header's cadence) and
            // the caller's tone keeps coming. Waits on the frames themselves: a loaded machine only makes this later.
            var botSpeech = 0;
            var framesBeforeSpeech = 0;
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(_ct);
            patience.CancelAfter(TimeSpan.FromSeconds(60));
            while (botSpeech < BotSpeechFramesBeforeKill || caller.PumpFramesSent < 200)
            {
                ReceivedFrame? frame;
                try
                {
                    frame = await caller.ReadFrameAsync(patience.Token);
                }
                catch (OperationCanceledException) when (!_ct.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"60 s into the call: {framesBeforeSpeech} frames before speech, {botSpeech} speech frames, {caller.PumpFramesSent} sent.");
                }

                _ = frame ?? throw new InvalidOperationException(
                    $"The bot closed the call after {framesBeforeSpeech + botSpeech} frames, {botSpeech} of them speech.");
                if (frame.Kind == AudioSocketKind.Audio && !frame.IsSilence)
                {
                    botSpeech++;
                }
                else if (botSpeech == 0)
                {
                    framesBeforeSpeech++;
                }
            }

            sentSeconds = caller.PumpFramesSent * 0.020;
            await bot.KillAsync(_ct);   // SIGKILL: no shutdown code runs
            sentByTheEnd = caller.PumpFramesSent * 0.020;   // a frame or two may leave between the count and the kill
        }

        var path = Assert.Single(Directory.GetFiles(recordings, $"*_{callId:D}.wav", SearchOption.AllDirectories));
        Assert.Matches(@"\d{4}-\d{2}-\d{2}/\d{8}-\d{6}_" + callId.ToString("D") + @"\.wav$", path);

        // Playable as it is: a third-party reader opens it and finds stereo 8 kHz 16-bit of the right length.
        double playableSeconds;
        using (var reader = new WaveFileReader(path))
        {
            Assert.Equal((2, 8000, 16), (reader.WaveFormat.Channels, reader.WaveFormat.SampleRate, reader.WaveFormat.BitsPerSample));
            playableSeconds = reader.TotalTime.TotalSeconds;
        }

        var slack = HeaderUpdateInterval.TotalSeconds + 0.5;   // header cadence, writer cadence and scheduling on a busy machine
        Assert.InRange(playableSeconds, sentSeconds - slack, sentByTheEnd + 0.1);
        var (left, right) = Channels(path);
        // A whole frame of the caller's constant level is on the left only: the channels are not crossed.
        Assert.True(HasFrameOfCallerLine(left), "the caller's channel lacks the caller's line");
        Assert.False(HasFrameOfCallerLine(right), "the bot's channel holds the caller's line");
        Assert.Contains(right, s => s != 0);   // the bot's welcome phrase

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });
        var exit = await RecordingsCommand.RepairAsync([], recordings, TimeSpan.Zero, console, TimeProvider.System, _ct);

        Assert.Equal(0, exit);
        using var repaired = new WaveFileReader(path);
        Assert.Equal(new FileInfo(path).Length - 44, repaired.Length);
        Assert.InRange(repaired.TotalTime.TotalSeconds, playableSeconds, sentByTheEnd + 0.1);
        Assert.InRange(repaired.TotalTime.TotalSeconds, sentSeconds - 0.7, sentByTheEnd + 0.1);
        Assert.Contains("1 recording(s) checked", output.ToString(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sent {sentSeconds:0.000} s ({sentByTheEnd:0.000} s by the kill); playable after kill -9 {playableSeconds:0.000} s; after repair {repaired.TotalTime.TotalSeconds:0.000} s");
    }

    private static bool HasFrameOfCallerLine(short[] channel)
    {
        const int FrameSamples = 160;
        var run = 0;
        foreach (var sample in channel)
        {
            run = sample == CallerTone ? run + 1 : 0;
            if (run == FrameSamples)
            {
                return true;
            }
        }

        return false;
    }

    private static (short[] Left, short[] Right) Channels(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(WavHeader.TryParse(bytes, out var header));
        var frames = (int)(header.DataBytes / 4);
        var left = new short[frames];
        var right = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + (i * 4)));
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(46 + (i * 4)));
        }

        return (left, right);
    }
}
