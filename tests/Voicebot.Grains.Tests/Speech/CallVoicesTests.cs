using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Phrases;
using Voicebot.Grains.Speech;

namespace Voicebot.Grains.Tests.Speech;

public sealed class CallVoicesTests
{
    private const string Text = "Merci, au revoir.";

    private readonly List<(SpeechVoice Voice, Exception Exception)> _madeUpFor = [];

    [Fact]
    public void ForCall_NoFallbackVoice_IsTheCachingPrimary()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1));
        var voices = new CallVoices(primary, new SpokenTextCache());

        var voice = voices.ForCall(OnMadeUpFor);

        Assert.IsType<CachingSpeechSynthesizer>(voice);
        Assert.Same(voice, voices.ForCall(OnMadeUpFor));
        Assert.Same(primary.Voice, voice.Voice);
    }

    [Fact]
    public async Task ForCall_NoFallbackVoice_PrimaryFailurePropagates()
    {
        var failure = new SpeechSynthesisException("cloud down");
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1)) { Failure = failure };
        var voice = new CallVoices(primary, new SpokenTextCache()).ForCall(OnMadeUpFor);

        var thrown = await Assert.ThrowsAsync<SpeechSynthesisException>(() => voice.CollectAsync(Text));

        Assert.Same(failure, thrown);
        Assert.Empty(_madeUpFor);
    }

    [Fact]
    public async Task ForCall_NoFallbackVoice_CachesThePrimary()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1), ScriptedSpeechSynthesizer.Chunk(2, 2));
        var voice = new CallVoices(primary, new SpokenTextCache()).ForCall(OnMadeUpFor);
        await voice.CollectAsync(Text);

        var again = await voice.CollectAsync(Text);

        Assert.True(Assert.Single(again).IsWhole);
        Assert.Equal(1, primary.Calls);
    }

    [Fact]
    public async Task ForCall_WithFallbackVoice_FallsBackWhenThePrimaryCannotStart()
    {
        var failure = new SpeechSynthesisException("cloud down");
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1)) { Failure = failure };
        var fallback = new ScriptedSpeechSynthesizer("embedded", ScriptedSpeechSynthesizer.Chunk(2, 2));
        var voices = new CallVoices(primary, new SpokenTextCache(), new PhraseFallbackVoice(fallback));
        var voice = voices.ForCall(OnMadeUpFor);

        var chunks = await voice.CollectAsync(Text);

        Assert.IsType<FallbackSpeechSynthesizer>(voice);
        Assert.Same(primary.Voice, voice.Voice);
        Assert.Equal(new byte[] { 2, 2 }, Assert.Single(chunks).Pcm.ToArray());
        var (reportedVoice, reportedFailure) = Assert.Single(_madeUpFor);
        Assert.Same(primary.Voice, reportedVoice);
        Assert.Same(failure, reportedFailure);
    }

    [Fact]
    public async Task ForCall_WithFallbackVoice_TheFallbacksSpeechIsCachedButThePrimaryTriedAgain()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1)) { Failure = new SpeechSynthesisException("cloud down") };
        var fallback = new ScriptedSpeechSynthesizer("embedded", ScriptedSpeechSynthesizer.Chunk(2, 2), ScriptedSpeechSynthesizer.Chunk(3, 3));
        var voice = new CallVoices(primary, new SpokenTextCache(), new PhraseFallbackVoice(fallback)).ForCall(OnMadeUpFor);
        await voice.CollectAsync(Text);

        var again = await voice.CollectAsync(Text);

        var whole = Assert.Single(again);
        Assert.True(whole.IsWhole);
        Assert.Equal(new byte[] { 2, 2, 3, 3 }, whole.Pcm.ToArray());
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, fallback.Calls);
        Assert.Equal(2, _madeUpFor.Count);
    }

    [Fact]
    public async Task ForCall_TwoCalls_ShareTheCacheButNotTheFailureCallback()
    {
        var primary = new ScriptedSpeechSynthesizer("cloud", ScriptedSpeechSynthesizer.Chunk(1, 1)) { Failure = new SpeechSynthesisException("cloud down") };
        var fallback = new ScriptedSpeechSynthesizer("embedded", ScriptedSpeechSynthesizer.Chunk(2, 2));
        var voices = new CallVoices(primary, new SpokenTextCache(), new PhraseFallbackVoice(fallback));
        var otherCallFailures = 0;
        await voices.ForCall((_, _) => otherCallFailures++).CollectAsync(Text);

        var chunks = await voices.ForCall(OnMadeUpFor).CollectAsync(Text);

        Assert.True(Assert.Single(chunks).IsWhole);
        Assert.Equal(1, otherCallFailures);
        Assert.Single(_madeUpFor);
        Assert.Equal(1, fallback.Calls);
    }

    private void OnMadeUpFor(SpeechVoice voice, Exception exception) => _madeUpFor.Add((voice, exception));
}
