using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Audio.Resampling;
using Voicebot.Testing.Fakes;

namespace Voicebot.Grains.Tests.Calls;

/// <summary>The <c>sav-speech</c> flow: the phone number is read back as synthesized text, streamed.</summary>
public sealed class SpokenTextClusterFixture : VoicebotClusterFixture
{
    public GatedSynthesizer Gate { get; } = new();

    protected override void ConfigureSettings(IDictionary<string, string?> settings) => settings["Calls:Flow"] = "sav-speech";

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ISpeechSynthesizer>(Gate);   // overrides the tone voice for calls (phrases are rendered through it too)
}

/// <summary>A tone voice that can be paused after its first chunk, to interrupt a synthesis in the middle.</summary>
public sealed class GatedSynthesizer : ISpeechSynthesizer
{
    private readonly ToneSpeechSynthesizer _tone = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _perText = new();
    private TaskCompletionSource? _holding;   // the gate of the synthesis held now: each hold has its own

    public SpeechVoice Voice => _tone.Voice;

    public bool HoldAfterFirstChunk { get; set; }

    public int Calls => _tone.Calls;

    public void Release() => Volatile.Read(ref _holding)?.TrySetResult();

    public int CallsFor(string text) => _perText.GetValueOrDefault(text);

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _perText.AddOrUpdate(text, 1, (_, n) => n + 1);
        var first = true;
        await foreach (var chunk in _tone.SynthesizeAsync(text, cancellationToken))
        {
            yield return chunk;
            if (first && HoldAfterFirstChunk && text.Contains(',', StringComparison.Ordinal))
            {
                // A gate per hold: one released (or abandoned by a cancelled synthesis) never lets the next one through.
                var gate = NewGate();
                Volatile.Write(ref _holding, gate);
                try
                {
                    await gate.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    Interlocked.CompareExchange(ref _holding, null, gate);
                }
            }

            first = false;
        }
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

[CollectionDefinition(Name)]
public sealed class SpokenTextCluster : ICollectionFixture<SpokenTextClusterFixture>
{
    public const string Name = nameof(SpokenTextCluster);
}

[Collection(SpokenTextCluster.Name)]
public sealed class CallGrainSpokenTextTests(SpokenTextClusterFixture fixture)
{
    private const string Spoken = "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit";

    [Fact]
    public async Task PhoneReadBack_Spoken_IsStreamedInChunksResampledExactlyThenCached()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await ReachPhoneAsync(ct);
        var callsBefore = fixture.Gate.CallsFor(Spoken);

        await first.PressAsync("0612345678#");
        await first.Sink.WaitForPhraseAsync("ask_problem", ct);

        var chunks = first.Sink.Played.Where(p => p.Label == "phone_read_back").ToArray();
        Assert.True(chunks.Length >= 3, "streamed in several chunks");
        Assert.All(chunks[..^1], c => Assert.True(c.MoreFollows));
        Assert.False(chunks[^1].MoreFollows);
        var heard = chunks.SelectMany(c => c.Pcm).ToArray();
        Assert.Equal(PcmResampler.Resample(ToneSpeechSynthesizer.Render(Spoken, 22050), 22050, 8000), heard);
        Assert.Equal(callsBefore + 1, fixture.Gate.CallsFor(Spoken));
        Assert.Contains((await first.Grain.GetSnapshotAsync()).History, t => t.Kind == TurnKind.Text && t.Content == Spoken);

        var silo = (await first.Grain.GetSnapshotAsync()).Silo;
        var second = await ReachPhoneAsync(ct);
        for (var attempt = 0; attempt < 20 && (await second.Grain.GetSnapshotAsync()).Silo != silo; attempt++)
        {
            await second.Grain.HangUpAsync(HangupReason.CallerHungUp);
            second = await ReachPhoneAsync(ct);   // the cache is per silo: find a call on the same one
        }

        await second.PressAsync("0612345678#");
        await second.Sink.WaitForPhraseAsync("ask_problem", ct);

        Assert.Equal(callsBefore + 1, fixture.Gate.CallsFor(Spoken));   // the same text is not synthesized twice
        Assert.Equal(heard, second.Sink.Played.Single(p => p.Label == "phone_read_back").Pcm);
    }

    [Fact]
    public async Task PhoneReadBack_InterruptedMidSynthesis_StopsSendingAndTheCallGoesOn()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await ReachPhoneAsync(ct);
        fixture.Gate.HoldAfterFirstChunk = true;
        call.Sink.AutoFinish = false;
        try
        {
            await call.PressAsync("0698765432#");
            await WaitUntilAsync(() => call.Sink.Played.Any(p => p.Label == "phone_read_back"), ct);

            await call.Grain.OnBargeInAsync();
            fixture.Gate.Release();
            await call.Grain.OnPlaybackFinishedAsync(-1);   // not interleaved: runs once the interrupted turn has finished

            Assert.Single(call.Sink.Played, p => p.Label == "phone_read_back");
            Assert.Contains((await call.Grain.GetSnapshotAsync()).History, t => t.Content == "barge-in");
        }
        finally
        {
            fixture.Gate.HoldAfterFirstChunk = false;
            fixture.Gate.Release();
        }
    }

    [Fact]
    public async Task PhoneReadBack_BargeInMidSynthesis_TheTurnSaysNothingMoreAfterTheFlush()
    {
        var ct = TestContext.Current.CancellationToken;
        var call = await ReachPhoneAsync(ct);
        fixture.Gate.HoldAfterFirstChunk = true;
        call.Sink.AutoFinish = false;
        try
        {
            await call.PressAsync("0687654321#");
            await WaitUntilAsync(() => call.Sink.Played.Any(p => p.Label == "phone_read_back"), ct);

            await call.Grain.OnBargeInAsync();
            var playedAtBargeIn = call.Sink.Played.Count;
            fixture.Gate.Release();

            // Not interleaved: it runs once the turn that was reading the number back has finished.
            await call.Grain.OnPlaybackFinishedAsync(-1);
            var after = call.Sink.Played.Skip(playedAtBargeIn).Select(p => $"{p.Label}{(p.MoreFollows ? "…" : "")}").ToArray();

            // The read-back's stream may be closed (an empty last chunk the gateway discards), but no new audio.
            Assert.All(after, label => Assert.StartsWith("phone_read_back", label, StringComparison.Ordinal));
            Assert.All(call.Sink.Played.Skip(playedAtBargeIn), p => Assert.Empty(p.Pcm));
        }
        finally
        {
            fixture.Gate.HoldAfterFirstChunk = false;
            fixture.Gate.Release();
        }
    }

    private async Task<TestCall> ReachPhoneAsync(CancellationToken ct)
    {
        var call = await fixture.StartCallAsync();
        await call.Sink.WaitForPhraseAsync("ask_name", ct);
        await call.SpeakAsync();
        await call.PressAsync("#");
        await call.Sink.WaitForPhraseAsync("ask_phone", ct);
        return call;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25, ct);
        }

        Assert.True(condition());
    }
}
