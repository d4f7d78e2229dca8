using System.Buffers.Binary;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Recordings;
using Voicebot.Recordings.Files;
using Voicebot.Recordings.Recording;
using Voicebot.Testing;
using Voicebot.Testing.Gateway;
using Voicebot.Testing.Paths;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>The gateway feeding the call recorder: real Kestrel, a fake control plane, a TCP client playing Asterisk.</summary>
public sealed class CallRecordingTests : IDisposable
{
    private const short CallerTone = 100;   // about -50 dBFS: below the barge-in threshold, so the bot is not interrupted
    private const short BotTone = -2000;
    private readonly string _root = RepositoryPaths.NewTemporaryDirectory("voicebot-gateway-recordings");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Call_WithRecordings_RecordsCallerLeftAndBotRightAndFinishesTheFileAtHangup()
    {
        var ct = Timeout();
        await using var host = await StartAsync(_root, logs: null, ct);
        host.Control.OnStarted = call => call.Media!.PlayAsync(new PlaybackItem(1, "tone", Tone(BotTone, 4000), 8000));
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();
        var frame = Tone(CallerTone, 160);

        await asterisk.SendUuidAsync(callId, ct);
        for (var i = 0; i < 50; i++)
        {
            await asterisk.SendAudioAsync(frame, cancellationToken: ct);
        }

        await host.Control.Call(callId).PlaybackFinished.Reader.ReadAsync(ct);
        await asterisk.HangUpAsync();
        await host.Control.Call(callId).Ended.Task.WaitAsync(ct);
        var writer = host.Services.GetRequiredService<CallRecordingWriter>();
        while (writer.ActiveRecordings > 0)
        {
            await Task.Delay(20, ct);
        }

        var path = Assert.Single(Directory.GetFiles(_root, $"*_{callId:D}.wav", SearchOption.AllDirectories));
        var bytes = await File.ReadAllBytesAsync(path, ct);
        Assert.True(WavHeader.TryParse(bytes, out var header));
        Assert.Equal((2, 8000, 16), (header.Channels, header.SampleRate, header.BitsPerSample));
        Assert.Equal(bytes.Length - 44, header.DataBytes);
        var (left, right) = Split(bytes);
        Assert.Equal(50 * 160, left.Count(s => s == CallerTone));   // every caller frame, none dropped
        Assert.Equal(4000, right.Count(s => s == BotTone));         // the whole phrase, as sent on the wire
        Assert.DoesNotContain(BotTone, left);
        Assert.DoesNotContain(CallerTone, right);
    }

    [Fact]
    public async Task Call_FlushedMidPhrase_TheRecordingHoldsOnlyTheBotAudioTheCallerReceived()
    {
        var ct = Timeout();
        await using var host = await StartAsync(_root, logs: null, ct);
        host.Control.OnStarted = call => call.Media!.PlayAsync(new PlaybackItem(1, "tone", Tone(BotTone, 40_000), 8000));
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await asterisk.SendUuidAsync(callId, ct);
        var heard = new List<ReceivedFrame>(await asterisk.ReadUntilAsync(f => f.Payload.Length > 0 && BinaryPrimitives.ReadInt16LittleEndian(f.Payload) == BotTone, ct));
        for (var i = 0; i < 10; i++)
        {
            heard.Add(await asterisk.ReadFrameAsync(ct) ?? throw new InvalidOperationException("The gateway closed the call."));
        }

        // The control plane stops the bot (as on a barge-in): what was queued ahead of the wire never goes out.
        await host.Control.Call(callId).Media!.FlushAsync();
        while (!heard[^1].IsSilence)
        {
            heard.Add(await asterisk.ReadFrameAsync(ct) ?? throw new InvalidOperationException("The gateway closed the call."));
        }

        await asterisk.HangUpAsync();
        await host.Control.Call(callId).Ended.Task.WaitAsync(ct);
        var writer = host.Services.GetRequiredService<CallRecordingWriter>();
        await Waits.UntilAsync(() => writer.ActiveRecordings == 0, ct);

        var path = Assert.Single(Directory.GetFiles(_root, $"*_{callId:D}.wav", SearchOption.AllDirectories));
        var (_, right) = Split(await File.ReadAllBytesAsync(path, ct));
        var received = heard.Sum(f => CountSamples(f.Payload, BotTone));
        Assert.InRange(received, 11 * 160, 39_000);
        Assert.Equal(received, right.Count(s => s == BotTone));
    }

    [Fact]
    public async Task Call_WhenTheRecordingCannotBeWritten_CarriesOnAndLogsTheCallId()
    {
        var ct = Timeout();
        var blocker = Path.Combine(_root, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "x", ct);
        var logs = new RecordingLoggerProvider();
        await using var host = await StartAsync(blocker, logs, ct);
        host.Control.OnStarted = call => call.Media!.PlayAsync(new PlaybackItem(1, "tone", Tone(BotTone, 1600), 8000));
        await using var asterisk = await host.ConnectAsync(ct);
        var callId = Guid.NewGuid();

        await asterisk.SendUuidAsync(callId, ct);
        await asterisk.SendAudioAsync(Tone(CallerTone, 160), cancellationToken: ct);
        while (!logs.Entries.Any(e => e.Id.Name == "RecordingFailed"))
        {
            await Task.Delay(20, ct);
        }

        for (var i = 0; i < 10; i++)
        {
            await asterisk.SendAudioAsync(Tone(CallerTone, 160), cancellationToken: ct);
        }

        var heard = await asterisk.ReadUntilAsync(f => f.Payload.Length > 0 && BinaryPrimitives.ReadInt16LittleEndian(f.Payload) == BotTone, ct);
        var inbound = new List<InboundMedia>();
        while (inbound.Count < 11)
        {
            inbound.Add(await host.Control.Call(callId).ReadInboundAsync(ct));
        }

        Assert.NotEmpty(heard);
        Assert.False(asterisk.Closed.IsCompleted);
        var failure = Assert.Single(logs.Entries, e => e.Id.Name == "RecordingFailed");
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains(failure.State, kv => kv.Key == "CallId" && Equals(kv.Value, callId));
    }

    private static async Task<GatewayTestHost> StartAsync(string directory, RecordingLoggerProvider? logs, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Recordings:Directory"] = directory })
            .Build();
        return await GatewayTestHost.StartAsync(
            configureServices: services =>
            {
                services.AddCallRecordings(configuration, "/");
                if (logs is not null)
                {
                    services.AddSingleton<ILoggerProvider>(logs);
                }
            },
            cancellationToken: ct);
    }

    private static byte[] Tone(short value, int samples)
    {
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 2), value);
        }

        return pcm;
    }

    private static int CountSamples(byte[] pcm, short value)
    {
        var count = 0;
        for (var i = 0; i + 1 < pcm.Length; i += 2)
        {
            count += BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i)) == value ? 1 : 0;
        }

        return count;
    }

    private static (short[] Left, short[] Right) Split(byte[] wav)
    {
        var frames = (wav.Length - 44) / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + (i * 4)));
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(46 + (i * 4)));
        }

        return (left, right);
    }

    private static CancellationToken Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(20));
        return source.Token;
    }
}
