using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Speech;

namespace Voicebot.Grains.Tests.Speech;

public sealed class SpokenTextCacheTests
{
    private static readonly SpeechVoice Cloud = new("cloud", "nova", 24000, "v1");
    private static readonly SpeechVoice Embedded = new("espeak", "fr", 22050, "v1");

    [Fact]
    public void Add_ThenTryGet_ReturnsTheAudioAsWhole()
    {
        var cache = new SpokenTextCache();

        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 1, 2, 3, 4 }, 24000));

        Assert.True(cache.TryGet(Cloud, "bonjour", out var audio));
        Assert.True(audio.IsWhole);
        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, audio.Pcm.ToArray());
    }

    [Fact]
    public void TryGet_UnknownText_IsFalse()
    {
        var cache = new SpokenTextCache();
        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 1, 2 }, 24000));

        var found = cache.TryGet(Cloud, "au revoir", out _);

        Assert.False(found);
    }

    [Fact]
    public void TryGet_SameTextOtherVoice_IsFalse()
    {
        var cache = new SpokenTextCache();
        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 1, 2 }, 24000));

        var found = cache.TryGet(Embedded, "bonjour", out _);

        Assert.False(found);
    }

    [Fact]
    public void TryGet_EqualVoiceRecord_Finds()
    {
        var cache = new SpokenTextCache();
        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 1, 2 }, 24000));

        var found = cache.TryGet(Cloud with { }, "bonjour", out _);

        Assert.True(found);
    }

    [Fact]
    public void Add_SameTextTwice_KeepsTheFirst()
    {
        var cache = new SpokenTextCache();
        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 1, 2 }, 24000));

        cache.Add(Cloud, "bonjour", new SynthesizedAudio(new byte[] { 9, 9 }, 24000));

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet(Cloud, "bonjour", out var audio));
        Assert.Equal(new byte[] { 1, 2 }, audio.Pcm.ToArray());
    }

    [Fact]
    public void Add_OneMoreThanCapacity_ForgetsTheOldest()
    {
        var cache = new SpokenTextCache();

        for (var i = 0; i <= SpokenTextCache.Capacity; i++)
        {
            cache.Add(Cloud, Text(i), new SynthesizedAudio(new byte[] { 1, 2 }, 24000));
        }

        Assert.Equal(SpokenTextCache.Capacity, cache.Count);
        Assert.False(cache.TryGet(Cloud, Text(0), out _));
        Assert.True(cache.TryGet(Cloud, Text(1), out _));
        Assert.True(cache.TryGet(Cloud, Text(SpokenTextCache.Capacity), out _));
    }

    private static string Text(int index) => $"texte {index}";
}
