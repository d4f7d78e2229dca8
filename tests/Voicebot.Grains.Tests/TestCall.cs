using Orleans.Streams;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Grains.Tests;

/// <summary>One call under test: the grain, what it played, and a way to speak and type into it.</summary>
public sealed class TestCall(Guid callId, ICallGrain grain, Testing.Fakes.RecordingMediaSink sink, ICallMediaSink reference, IAsyncStream<InboundMedia> media, int sampleRate)
{
    private long _sequence;

    public Guid CallId { get; } = callId;

    public ICallGrain Grain { get; } = grain;

    public Testing.Fakes.RecordingMediaSink Sink { get; } = sink;

    /// <summary>Kept so the observer stays alive for the whole call.</summary>
    public ICallMediaSink Reference { get; } = reference;

    /// <summary>
    /// Returns once the grain has handled every message already queued to it — a timer a fake-clock advance fired, a
    /// recognizer update, a turn still running: the grain is not reentrant, so this call (not interleaved) runs after
    /// them. The barrier for asserting that something did not happen, instead of a delay.
    /// </summary>
    public Task SettleAsync() => Grain.OnPlaybackFinishedAsync(-1);   // no playback has id -1: nothing else happens

    public async Task PressAsync(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var digit in digits)
        {
            await media.OnNextAsync(InboundMedia.ForDtmf(_sequence++, digit));
        }
    }

    /// <summary>Sends <paramref name="duration"/> of 20 ms frames: a loud tone (speech) or digital silence.</summary>
    public async Task SendAudioAsync(TimeSpan duration, bool speech)
    {
        var frameBytes = sampleRate / 50 * 2;
        var frames = (int)(duration.TotalMilliseconds / 20);
        for (var f = 0; f < frames; f++)
        {
            var frame = speech ? Tone(frameBytes, f) : new byte[frameBytes];
            await media.OnNextAsync(InboundMedia.ForAudio(_sequence++, frame, sampleRate));
        }
    }

    private byte[] Tone(int frameBytes, int index = 0)
    {
        var frame = new byte[frameBytes];
        for (var i = 0; i < frameBytes / 2; i++)
        {
            var sample = (short)(6000 * Math.Sin(2 * Math.PI * 440 * ((index * frameBytes / 2) + i) / sampleRate));
            frame[2 * i] = (byte)sample;
            frame[(2 * i) + 1] = (byte)(sample >> 8);
        }

        return frame;
    }

    /// <summary>
    /// Sends <paramref name="duration"/> of speech as the gateway does after keeping back <paramref name="keptBack"/> of
    /// quiet: the count rides on the first frame.
    /// </summary>
    public async Task SendSpeechAfterKeptBackAsync(TimeSpan keptBack, TimeSpan duration)
    {
        var skipped = (int)(keptBack.Ticks * sampleRate / TimeSpan.TicksPerSecond);
        var frameBytes = sampleRate / 50 * 2;
        await media.OnNextAsync(InboundMedia.ForAudio(_sequence++, Tone(frameBytes), sampleRate, skipped));
        await SendAudioAsync(duration - TimeSpan.FromMilliseconds(20), speech: true);
    }

    /// <summary>Says something: 1 s of speech then <paramref name="silenceAfter"/> of silence (default 0.5 s).</summary>
    public async Task SpeakAsync(TimeSpan? silenceAfter = null)
    {
        await SendAudioAsync(TimeSpan.FromSeconds(1), speech: true);
        await SendAudioAsync(silenceAfter ?? TimeSpan.FromMilliseconds(500), speech: false);
    }

    /// <summary>The keypad path up to « ça marche ? »: name, phone number, the problem key; waits for <c>ask_fixed</c>.</summary>
    public async Task WalkToVerificationAsync(string problemKey, CancellationToken cancellationToken)
    {
        await Sink.WaitForPhraseAsync("ask_name", cancellationToken);
        await SpeakAsync();
        await PressAsync("#");
        await Sink.WaitForPhraseAsync("ask_phone", cancellationToken);
        await PressAsync("0612345678#");
        await Sink.WaitForPhraseAsync("ask_problem", cancellationToken);
        await PressAsync(problemKey);
        await Sink.WaitForPhraseAsync("ask_fixed", cancellationToken);
    }
}
