using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;
using Voicebot.Audio;

namespace Voicebot.Providers.Espeak.Tests;

public sealed class EspeakSpeechSynthesizerTests
{
    private const string LongText =
        "Bonjour, vous êtes bien chez le service de dépannage. Je vais vous poser quelques questions pour organiser " +
        "l'intervention d'un technicien. Pouvez-vous me donner votre nom, puis votre adresse complète, et enfin " +
        "décrire le problème que vous rencontrez aujourd'hui ? Merci, et à très bientôt.";

    [Fact]
    public async Task SynthesizeAsync_Bonjour_YieldsSpeechAt22050Hz()
    {
        using var synthesizer = Create();

        var (pcm, rates, _) = await CollectAsync(synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken));

        Assert.All(rates, rate => Assert.Equal(22050, rate));
        Assert.Equal(0, pcm.Length % 2);
        var seconds = pcm.Length / 2 / 22050.0;
        Assert.InRange(seconds, 0.2, 3);
        // Speech-level energy: the loudest 100 ms is well above silence.
        Assert.InRange(LoudestWindowDbfs(pcm, 2205), -30, 0);
    }

    [Fact]
    public async Task SynthesizeAsync_LongText_YieldsSeveralChunks()
    {
        using var synthesizer = Create();

        var (pcm, _, chunks) = await CollectAsync(synthesizer.SynthesizeAsync(LongText, TestContext.Current.CancellationToken));

        Assert.True(chunks >= 2, $"{chunks} chunk(s)");
        Assert.True(pcm.Length / 2 / 22050.0 > 5);
    }

    [Fact]
    public async Task SynthesizeAsync_AccentedText_IsReadAsUtf8()
    {
        using var synthesizer = Create();

        var (accented, _, _) = await CollectAsync(synthesizer.SynthesizeAsync("éèàçôù", TestContext.Current.CancellationToken));
        var (plain, _, _) = await CollectAsync(synthesizer.SynthesizeAsync("eeacou", TestContext.Current.CancellationToken));

        Assert.NotEmpty(accented);
        Assert.NotEqual(plain, accented);
    }

    [Fact]
    public async Task SynthesizeAsync_EngineStillRunning_YieldsTheFirstChunkBeforeItExits()
    {
        using var fake = FakeEspeak.SpeaksThenHangs();
        using var synthesizer = Create(o => o.ExecutablePath = fake.ExecutablePath);
        var chunks = synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        var gotChunk = await chunks.MoveNextAsync();
        var shell = (await fake.WaitForPidsAsync(1))[0];

        // The script never exits by itself: a chunk while it runs proves the audio is streamed.
        Assert.True(gotChunk);
        Assert.True(FakeEspeak.IsAlive(shell));
        Assert.Equal(22050, chunks.Current.SampleRate);
        await chunks.DisposeAsync();
        Assert.True(await FakeEspeak.WaitUntilGoneAsync(fake.Pids()));
    }

    [Fact]
    public async Task SynthesizeAsync_Cancelled_KillsTheWholeProcessTree()
    {
        using var fake = FakeEspeak.SpeaksThenHangs();
        using var synthesizer = Create(o => o.ExecutablePath = fake.ExecutablePath);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var received = 0;

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in synthesizer.SynthesizeAsync("Bonjour", cancellation.Token))
            {
                received += chunk.Pcm.Length;
                if (fake.Pids().Count < 2)
                {
                    await fake.WaitForPidsAsync(2);   // the shell and its sleeping child
                }

                await cancellation.CancelAsync();
            }
        });

        var pids = fake.Pids();
        Assert.NotNull(thrown);
        Assert.True(received > 0);
        Assert.Equal(2, pids.Count);
        Assert.True(await FakeEspeak.WaitUntilGoneAsync(pids), $"still alive: {string.Join(", ", pids.Where(FakeEspeak.IsAlive))}");
    }

    [Fact]
    public async Task SynthesizeAsync_SilentEngine_FailsAfterTheTimeoutAndKillsIt()
    {
        using var fake = FakeEspeak.Hangs();
        using var synthesizer = Create(o =>
        {
            o.ExecutablePath = fake.ExecutablePath;
            o.Timeout = TimeSpan.FromMilliseconds(500);
        });

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(
            async () => await CollectAsync(synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken)));

        Assert.Contains("produced nothing", thrown.Message, StringComparison.Ordinal);
        Assert.True(await FakeEspeak.WaitUntilGoneAsync(fake.Pids()));
    }

    [Fact]
    public async Task SynthesizeAsync_MissingExecutable_ThrowsWithTheInstallHint()
    {
        using var synthesizer = Create(o => o.ExecutablePath = "/nonexistent/espeak-ng");

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(
            async () => await CollectAsync(synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken)));

        Assert.Contains("espeak-ng not found", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install espeak-ng", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_UnknownVoice_ThrowsWithEspeakMessage()
    {
        using var synthesizer = Create(o => o.Voice = "zz-nonexistent");

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(
            async () => await CollectAsync(synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken)));

        Assert.Contains("does not exist", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_NonZeroExit_ThrowsWithStderrAndExitCode()
    {
        using var fake = FakeEspeak.Fails();
        using var synthesizer = Create(o => o.ExecutablePath = fake.ExecutablePath);

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(
            async () => await CollectAsync(synthesizer.SynthesizeAsync("Bonjour", TestContext.Current.CancellationToken)));

        Assert.Contains("code 3", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("boom: synthesizer exploded", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_BlankText_YieldsNothing()
    {
        using var synthesizer = Create(o => o.ExecutablePath = "/nonexistent/espeak-ng");

        var (pcm, _, chunks) = await CollectAsync(synthesizer.SynthesizeAsync("  ", TestContext.Current.CancellationToken));

        Assert.Empty(pcm);
        Assert.Equal(0, chunks);
    }

    [Fact]
    public async Task SynthesizeAsync_MaxConcurrencyOne_StartsTheSecondProcessAfterTheFirstEnds()
    {
        using var fake = FakeEspeak.SpeaksThenHangs();
        using var synthesizer = Create(o =>
        {
            o.ExecutablePath = fake.ExecutablePath;
            o.MaxConcurrency = 1;
        });
        var first = synthesizer.SynthesizeAsync("Un", TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await first.MoveNextAsync());
        var firstPids = await fake.WaitForPidsAsync(2);

        var second = synthesizer.SynthesizeAsync("Deux", TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var secondMove = second.MoveNextAsync().AsTask();
        while (synthesizer.Waiting == 0)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);   // until the second waits for the slot
        }

        var startedWhileFirstRan = fake.Pids().Count > 2;
        var completedWhileFirstRan = secondMove.IsCompleted;
        await first.DisposeAsync();

        Assert.False(startedWhileFirstRan);
        Assert.False(completedWhileFirstRan);
        Assert.True(await secondMove);
        await second.DisposeAsync();
        Assert.True(await FakeEspeak.WaitUntilGoneAsync(fake.Pids()));
        Assert.Equal(2, firstPids.Count);
    }

    [Fact]
    public void Voice_InstalledEspeak_NamesVersionSpeedAndPitch()
    {
        using var synthesizer = Create(o =>
        {
            o.WordsPerMinute = 175;
            o.Pitch = 40;
        });

        var voice = synthesizer.Voice;

        Assert.Equal("espeak-ng", voice.Engine);
        Assert.Equal("fr", voice.Name);
        Assert.Equal(22050, voice.SampleRate);
        Assert.Matches(@"^version=\d+\.\d+[^;]*;wpm=175;pitch=40$", voice.Settings);
    }

    [Fact]
    public void Voice_DifferentEngineVersionOrSettings_Differs()
    {
        using var fake = FakeEspeak.Fails();
        using var real = Create();
        using var faked = Create(o => o.ExecutablePath = fake.ExecutablePath);
        using var faster = Create(o => o.WordsPerMinute = 200);
        using var higher = Create(o => o.Pitch = 60);

        Assert.Contains("version=0.0-fake", faked.Voice.Settings, StringComparison.Ordinal);
        Assert.Equal(4, new HashSet<SpeechVoice> { real.Voice, faked.Voice, faster.Voice, higher.Voice }.Count);
        Assert.Same(real.Voice, real.Voice);
    }

    [Fact]
    public void Voice_MissingExecutable_ReportsUnknownVersion()
    {
        using var synthesizer = Create(o => o.ExecutablePath = "/nonexistent/espeak-ng");

        Assert.StartsWith("version=unknown;", synthesizer.Voice.Settings, StringComparison.Ordinal);
    }

    private static EspeakSpeechSynthesizer Create(Action<EspeakOptions>? configure = null)
    {
        var options = new EspeakOptions();
        configure?.Invoke(options);
        return new EspeakSpeechSynthesizer(Options.Create(options), NullLogger<EspeakSpeechSynthesizer>.Instance);
    }

    private static async Task<(byte[] Pcm, List<int> Rates, int Chunks)> CollectAsync(IAsyncEnumerable<SynthesizedAudio> audio)
    {
        var pcm = new List<byte>();
        var rates = new List<int>();
        var chunks = 0;
        await foreach (var chunk in audio)
        {
            pcm.AddRange(chunk.Pcm.ToArray());
            rates.Add(chunk.SampleRate);
            chunks++;
        }

        return ([.. pcm], rates, chunks);
    }

    private static double LoudestWindowDbfs(byte[] pcm, int windowSamples)
    {
        var loudest = PcmLevel.SilenceDbfs;
        for (var offset = 0; offset + (2 * windowSamples) <= pcm.Length; offset += windowSamples)
        {
            loudest = Math.Max(loudest, PcmLevel.RmsDbfs(pcm.AsSpan(offset, 2 * windowSamples)));
        }

        return loudest;
    }
}
