using System.Buffers.Binary;
using System.Diagnostics;
using NAudio.Wave;
using Spectre.Console;
using Voicebot.Cli.Commands;
using Voicebot.Recordings.Files;
using Voicebot.Testing.Gateway;
using Voicebot.Testing.Network;
using Voicebot.Testing.Paths;

namespace Voicebot.EndToEnd.Tests;

/// <summary>
/// The issue's "recording survives kill -9": the real <c>voicebot serve</c> as a child process, a call over real TCP,
/// SIGKILL mid-call, then the WAV on disk is checked and repaired. Runs alone: a second whole product starting up
/// would steal the CPU the other end-to-end calls need to stay paced.
/// </summary>
[Collection(nameof(RecordingCrashTests))]
public sealed class RecordingCrashTests : IDisposable
{
    private const short CallerTone = 3000;
    private static readonly TimeSpan HeaderUpdateInterval = TimeSpan.FromSeconds(1);

    private readonly string _recordings = RepositoryPaths.NewTemporaryDirectory("voicebot-crash");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_recordings, recursive: true);

    /// <summary>Keeps the crash test out of the parallel scenario calls.</summary>
    [CollectionDefinition(nameof(RecordingCrashTests), DisableParallelization = true)]
    public sealed class Alone;

    [Fact]
    public async Task Serve_KilledMidCall_LeavesAPlayableStereoRecordingThatRepairCompletes()
    {
        var ports = LoopbackPorts.Take(4);
        using var bot = StartVoicebot(ports);
        var callId = Guid.NewGuid();
        double sentSeconds, sentByTheEnd;
        try
        {
            await WaitUntilReadyAsync(bot, ports[1]);
            await using var caller = await FakeAsteriskClient.ConnectAsync(ports[0], _ct);
            var tone = new byte[320];
            for (var i = 0; i < 160; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(tone.AsSpan(i * 2), CallerTone);
            }

            caller.AudioSource = _ => tone;
            await caller.SendUuidAsync(callId, _ct);
            caller.StartAudioPump();

            // Mid-call: the bot is talking (welcome phrase) and the caller's tone keeps coming.
            while (caller.PumpFramesSent < 200)
            {
                await Task.Delay(50, _ct);
            }

            sentSeconds = caller.PumpFramesSent * 0.020;
            bot.Kill();   // SIGKILL on Unix: no shutdown code runs
            await bot.WaitForExitAsync(_ct);
            sentByTheEnd = caller.PumpFramesSent * 0.020;   // a frame or two may leave between the count and the kill
        }
        finally
        {
            if (!bot.HasExited)
            {
                bot.Kill();
            }
        }

        var path = Assert.Single(Directory.GetFiles(_recordings, $"*_{callId:D}.wav", SearchOption.AllDirectories));
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
        Assert.Contains(CallerTone, left);
        Assert.DoesNotContain(CallerTone, right);
        Assert.Contains(right, s => s != 0);   // the bot's welcome phrase

        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });
        var exit = await RecordingsCommand.RepairAsync([], _recordings, TimeSpan.Zero, console, TimeProvider.System, _ct);

        Assert.Equal(0, exit);
        using var repaired = new WaveFileReader(path);
        Assert.Equal(new FileInfo(path).Length - 44, repaired.Length);
        Assert.InRange(repaired.TotalTime.TotalSeconds, playableSeconds, sentByTheEnd + 0.1);
        Assert.InRange(repaired.TotalTime.TotalSeconds, sentSeconds - 0.7, sentByTheEnd + 0.1);
        Assert.Contains("1 recording(s) checked", output.ToString(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sent {sentSeconds:0.000} s ({sentByTheEnd:0.000} s by the kill); playable after kill -9 {playableSeconds:0.000} s; after repair {repaired.TotalTime.TotalSeconds:0.000} s");
    }

    private Process StartVoicebot(int[] ports)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "voicebot.dll"), "serve",
            $"--AudioSocket:Port={ports[0]}", $"--Http:Port={ports[1]}",
            $"--Orleans:SiloPort={ports[2]}", $"--Orleans:GatewayPort={ports[3]}",
            $"--Orleans:ClusterId=crash-{Guid.NewGuid():N}",
            $"--Recordings:Directory={_recordings}",
            $"--Recordings:HeaderUpdateInterval={HeaderUpdateInterval}",
            "--Serilog:MinimumLevel:Default=Warning",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync(Process bot, int httpPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            Assert.False(bot.HasExited, $"voicebot serve exited with {(bot.HasExited ? bot.ExitCode : 0)} before it was ready.");
            try
            {
                using var response = await http.GetAsync("/health/ready", _ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, _ct);
        }

        Assert.Fail("voicebot serve did not become ready within a minute.");
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
