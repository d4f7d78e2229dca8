using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;
using Voicebot.Recordings.Files;
using Voicebot.Records.Storage;

namespace Voicebot.EndToEnd.Tests;

/// <summary>What operations keep of a real call over AudioSocket: its record in the store and its stereo recording.</summary>
public sealed class CallRecordTests(VoicebotHostFixture fixture)
{
    [Fact]
    public async Task FinishedCall_IsStoredWithTimedTurnsAndAPlayableStereoRecording()
    {
        var ct = TestContext.Current.CancellationToken;
        var run = await ScenarioCall.RunAsync(fixture, "mobile-not-fixed-no-technician", ct, technicianAvailable: false);
        var record = await WaitForRecordAsync(run.CallId, ct);

        Assert.Equal(CallOutcomeKind.NoTechnician, record.Outcome);
        Assert.Equal(run.Outcome.GetProperty("slots").GetProperty("phone").GetString(), record.CallerNumber);
        Assert.Equal("mobile", record.Slots["problem"]);
        Assert.Equal(run.States, record.VisitedStates);
        Assert.True(record.EndedAt > record.StartedAt);

        // Every key the caller pressed that got an answer has the answer's first frame on the wire, after the key.
        var answered = record.Turns.Where(t => t.Input == "dtmf" && t.PlaybackId is not null).ToArray();
        Assert.NotEmpty(answered);
        var callLength = record.EndedAt - record.StartedAt;   // consistency with the call, not a speed requirement
        Assert.All(answered, t => Assert.True(t.FirstFrameOut is { } f && f >= TimeSpan.Zero && t.InputAt + f <= record.EndedAt && f < callLength, $"turn {t.Turn}: {t.FirstFrameOut}"));
        Assert.Contains(answered, t => t.State == "DIAGNOSTIC" && t.CallerText == "2" && t.Reply!.StartsWith("solution_mobile", StringComparison.Ordinal));

        // The recording: stereo, 8 kHz, as long as the call, the bot's voice on the right channel.
        Assert.NotNull(record.RecordingPath);
        Assert.True(File.Exists(record.RecordingPath), record.RecordingPath);
        var (bytes, header) = await WaitForFinishedRecordingAsync(record.RecordingPath, ct);
        Assert.Equal(2, header.Channels);
        Assert.Equal(8000, header.SampleRate);
        Assert.Equal(bytes.Length - header.DataOffset, header.DataBytes);
        var seconds = header.Seconds(header.DataBytes);
        var callSeconds = (record.EndedAt - record.StartedAt).TotalSeconds;
        // At least the bot's audio the caller received (paced by the product, 20 ms a frame), at most the call: the
        // test's own caller is a timer in a loaded test process, so its frames may fall behind the wall clock.
        var heardSeconds = run.Frames.Count * 0.020;
        Assert.InRange(seconds, heardSeconds - 2, callSeconds + 2);   // loose: header updates and the socket close are not one instant
        Assert.True(RightChannelEnergy(bytes.AsSpan((int)header.DataOffset)) > 0, "the bot's voice is on the right channel");
    }

    private async Task<CallRecord> WaitForRecordAsync(Guid callId, CancellationToken ct)
    {
        var store = fixture.App.Services.GetRequiredService<ICallRecordStore>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await store.GetAsync(callId, ct) is { } record && !CallRecordReasons.IsInProgress(record))
            {
                return record;
            }

            await Task.Delay(50, ct);
        }

        throw new TimeoutException($"No record for call {callId} after 10 s.");
    }

    /// <summary>The writer finishes the file (final header) on its next pass after the call, up to 100 ms later.</summary>
    private static async Task<(byte[] Bytes, WavHeader Header)> WaitForFinishedRecordingAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var bytes = await File.ReadAllBytesAsync(path, ct);
            Assert.True(WavHeader.TryParse(bytes, out var header), "a valid WAV header at every moment");
            if (header.DataBytes == bytes.Length - header.DataOffset || attempt == 100)
            {
                return (bytes, header);
            }

            await Task.Delay(50, ct);
        }
    }

    private static long RightChannelEnergy(ReadOnlySpan<byte> interleaved)
    {
        long energy = 0;
        for (var i = 2; i + 1 < interleaved.Length; i += 4)
        {
            var sample = (short)(interleaved[i] | (interleaved[i + 1] << 8));
            energy += Math.Abs((int)sample);
        }

        return energy;
    }
}
