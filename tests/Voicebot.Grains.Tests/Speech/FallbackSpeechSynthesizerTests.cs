using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Speech;

namespace Voicebot.Grains.Tests.Speech;

public sealed class FallbackSpeechSynthesizerTests
{
    private const string Text = "Un technicien va vous rappeler.";

    private static readonly SynthesizedAudio PrimaryChunk = ScriptedSpeechSynthesizer.Chunk(1, 1);
    private static readonly SynthesizedAudio FallbackFirst = ScriptedSpeechSynthesizer.Chunk(2, 2);
    private static readonly SynthesizedAudio FallbackSecond = ScriptedSpeechSynthesizer.Chunk(3, 3);

    private readonly List<(SpeechVoice Voice, Exception Exception)> _madeUpFor = [];

    [Theory]
    [InlineData(typeof(SpeechSynthesisException))]
    [InlineData(typeof(ProviderUnavailableException))]
    [InlineData(typeof(HttpRequestException))]
    public async Task SynthesizeAsync_PrimaryFailsBeforeItsFirstChunk_FallbackSaysTheTextAndTheFailureIsReported(Type failureType)
    {
        var failure = (Exception)Activator.CreateInstance(failureType)!;
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk) { Failure = failure, FailAfterChunks = 0 };
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst, FallbackSecond);
        var voice = NewVoice(primary, fallback);

        var chunks = await voice.CollectAsync(Text);

        Assert.Equal([FallbackFirst.Pcm.ToArray(), FallbackSecond.Pcm.ToArray()], chunks.Select(c => c.Pcm.ToArray()));
        var (reportedVoice, reportedFailure) = Assert.Single(_madeUpFor);
        Assert.Same(primary.Voice, reportedVoice);
        Assert.Same(failure, reportedFailure);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(1, fallback.Calls);
    }

    [Fact]
    public async Task SynthesizeAsync_ProviderUnavailableWithDetails_IsMadeUpFor()
    {
        var failure = new ProviderUnavailableException("cloud", ProviderFailure.HttpStatus, "HTTP 503");
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk) { Failure = failure };
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);

        var chunks = await voice.CollectAsync(Text);

        Assert.Equal(FallbackFirst.Pcm.ToArray(), Assert.Single(chunks).Pcm.ToArray());
        Assert.Same(failure, Assert.Single(_madeUpFor).Exception);
    }

    [Fact]
    public async Task SynthesizeAsync_PrimaryFailsAfterItsFirstChunk_FailurePropagatesAfterThatChunk()
    {
        var failure = new SpeechSynthesisException("connection reset");
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk, PrimaryChunk) { Failure = failure, FailAfterChunks = 1 };
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);
        var heard = new List<SynthesizedAudio>();

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(() => CollectIntoAsync(voice, heard, TestContext.Current.CancellationToken));

        Assert.Same(failure, thrown);
        Assert.Equal(PrimaryChunk.Pcm.ToArray(), Assert.Single(heard).Pcm.ToArray());
        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task SynthesizeAsync_PrimaryFailsWithANonVoiceFailure_FailurePropagatesWithoutTheFallback()
    {
        var failure = new InvalidOperationException("bug");
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk) { Failure = failure };
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => voice.CollectAsync(Text));

        Assert.Same(failure, thrown);
        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task SynthesizeAsync_PrimarySaysNothing_SaysNothingWithoutTheFallback()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud");
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);

        var chunks = await voice.CollectAsync(Text);

        Assert.Empty(chunks);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task SynthesizeAsync_PrimarySucceeds_PassesItsChunksThrough()
    {
        var second = ScriptedSpeechSynthesizer.Chunk(4, 4);
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk, second);
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);

        var chunks = await voice.CollectAsync(Text);

        Assert.Equal([PrimaryChunk.Pcm.ToArray(), second.Pcm.ToArray()], chunks.Select(c => c.Pcm.ToArray()));
        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
        Assert.Same(primary.Voice, voice.Voice);
    }

    [Fact]
    public async Task SynthesizeAsync_CancelledBeforeTheFirstChunk_ThrowsOperationCanceledWithoutTheFallback()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk);
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CollectIntoAsync(voice, [], cancellation.Token));

        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task SynthesizeAsync_CancelledAfterTheFirstChunk_ThrowsOperationCanceledWithoutTheFallback()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk, PrimaryChunk);
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst);
        var voice = NewVoice(primary, fallback);
        using var cancellation = new CancellationTokenSource();
        var heard = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var chunk in voice.SynthesizeAsync(Text, cancellation.Token))
            {
                heard++;
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(1, heard);
        Assert.Equal(0, fallback.Calls);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task SynthesizeAsync_FallbackFailsToo_ItsFailurePropagates()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", PrimaryChunk) { Failure = new SpeechSynthesisException("cloud down") };
        var fallbackFailure = new SpeechSynthesisException("espeak missing");
        var fallback = new ScriptedSpeechSynthesizer("embedded", FallbackFirst) { Failure = fallbackFailure };
        var voice = NewVoice(primary, fallback);

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(() => voice.CollectAsync(Text));

        Assert.Same(fallbackFailure, thrown);
        Assert.Single(_madeUpFor);
    }

    [Theory]
    [InlineData(typeof(SpeechSynthesisException), true)]
    [InlineData(typeof(ProviderUnavailableException), true)]
    [InlineData(typeof(HttpRequestException), true)]
    [InlineData(typeof(InvalidOperationException), false)]
    [InlineData(typeof(OperationCanceledException), false)]
    [InlineData(typeof(TaskCanceledException), false)]
    public void IsVoiceFailure_ByExceptionType_OnlyFailuresAnotherVoiceCanMakeUpFor(Type exceptionType, bool expected)
    {
        var exception = (Exception)Activator.CreateInstance(exceptionType)!;

        var isVoiceFailure = FallbackSpeechSynthesizer.IsVoiceFailure(exception);

        Assert.Equal(expected, isVoiceFailure);
    }

    private static async Task CollectIntoAsync(ISpeechSynthesizer voice, List<SynthesizedAudio> heard, CancellationToken cancellationToken)
    {
        await foreach (var chunk in voice.SynthesizeAsync(Text, cancellationToken))
        {
            heard.Add(chunk);
        }
    }

    private FallbackSpeechSynthesizer NewVoice(ISpeechSynthesizer primary, ISpeechSynthesizer fallback) =>
        new(primary, fallback, (voice, exception) => _madeUpFor.Add((voice, exception)));
}
