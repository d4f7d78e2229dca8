using Voicebot.Abstractions.Phrases;
using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;

namespace Voicebot.Cli.Tests.Calling;

public sealed class BotPhraseMatcherTests
{
    private const int Rate = 8000;
    private const int Frame = 320;

    private static readonly PhraseAudio Welcome = Phrase("welcome", (5 * Frame) + 100, seed: 1);   // last frame padded
    private static readonly PhraseAudio AskName = Phrase("ask_name", 8 * Frame, seed: 2);
    private static readonly PhraseAudio Goodbye = Phrase("goodbye", 3 * Frame, seed: 3);

    [Fact]
    public void MatchKeys_PhrasesSeparatedBySilence_RecognisesTheSequence()
    {
        var matcher = new BotPhraseMatcher([Welcome, AskName, Goodbye], Rate);
        byte[] audio = [.. Silence(3), .. Padded(Welcome), .. Silence(10), .. Padded(AskName), .. Silence(1), .. Padded(Goodbye), .. Silence(2)];

        var keys = matcher.MatchKeys(audio);

        Assert.Equal(["welcome", "ask_name", "goodbye"], keys);
    }

    [Fact]
    public void Match_BackToBackPhrases_RecognisesBothWithTheirPositions()
    {
        var matcher = new BotPhraseMatcher([Welcome, AskName], Rate);
        byte[] audio = [.. Padded(Welcome), .. Padded(AskName)];

        var segments = matcher.Match(audio);

        Assert.Equal(2, segments.Count);
        Assert.Equal(new BotAudioSegment(BotAudioSegmentKind.Phrase, TimeSpan.Zero, TimeSpan.FromMilliseconds(120), "welcome", "text of welcome"), segments[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(120), segments[1].Start);
        Assert.Equal("ask_name", segments[1].PhraseKey);
    }

    [Fact]
    public void MatchKeys_PhraseIsAPrefixOfAnother_PrefersTheLongestFullMatch()
    {
        var longer = Phrase("ask_phone_again", 10 * Frame, seed: 9);
        var prefix = new PhraseAudio("ask_phone", "prefix", longer.Pcm[..(4 * Frame)], Rate);
        var matcher = new BotPhraseMatcher([prefix, longer], Rate);
        byte[] audio = [.. longer.Pcm, .. Silence(2), .. prefix.Pcm, .. Silence(2), .. prefix.Pcm, .. Padded(Goodbye)];

        var keys = matcher.MatchKeys(audio);

        Assert.Equal(["ask_phone_again", "ask_phone", "ask_phone"], keys.Take(3).ToArray());
    }

    [Fact]
    public void MatchKeys_PhraseWithInternalZeroFrames_MatchesItWhole()
    {
        byte[] pcm = [.. Tone.Noise(2 * Frame, 11), .. Silence(3), .. Tone.Noise(2 * Frame, 12)];
        var paused = new PhraseAudio("paused", "with a pause", pcm, Rate);
        var matcher = new BotPhraseMatcher([paused, Welcome], Rate);
        byte[] audio = [.. Silence(2), .. pcm, .. Padded(Welcome)];

        var segments = matcher.Match(audio);

        Assert.Equal(["paused", "welcome"], segments.Select(s => s.PhraseKey).ToArray());
        Assert.Equal(TimeSpan.FromMilliseconds(140), segments[0].Duration);
    }

    [Fact]
    public void Match_UnknownAudio_BecomesAnUnrecognisedSegmentWithItsDuration()
    {
        var matcher = new BotPhraseMatcher([Welcome], Rate);
        byte[] audio = [.. Padded(Welcome), .. Silence(5), .. Tone.Noise(50 * Frame, 21), .. Silence(40), .. Padded(Welcome)];

        var segments = matcher.Match(audio);

        Assert.Equal(3, segments.Count);
        Assert.Equal(BotAudioSegmentKind.Unrecognised, segments[1].Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), segments[1].Duration);
        Assert.Equal("unrecognised audio (1.0 s)", segments[1].ToString());
        Assert.Equal("welcome", segments[2].PhraseKey);
    }

    [Fact]
    public void Match_UnknownAudioWithShortPauses_StaysOneSegment()
    {
        var matcher = new BotPhraseMatcher([], Rate);
        byte[] audio = [.. Tone.Noise(10 * Frame, 1), .. Silence(5), .. Tone.Noise(10 * Frame, 2), .. Silence(100)];

        var segments = matcher.Match(audio);

        var segment = Assert.Single(segments);
        Assert.Equal(TimeSpan.FromMilliseconds(500), segment.Duration);
    }

    [Fact]
    public void Match_PhraseAtAnotherRate_IsIgnored()
    {
        var wide = new PhraseAudio("welcome", "wide", Welcome.Pcm, 16000);
        var matcher = new BotPhraseMatcher([wide], Rate);

        var segments = matcher.Match(Padded(Welcome));

        Assert.Equal(0, matcher.PhraseCount);
        Assert.Equal(BotAudioSegmentKind.Unrecognised, Assert.Single(segments).Kind);
    }

    [Fact]
    public void Session_AudioInOddSizedPieces_SettlesTheSameSegmentsAsAWholeMatch()
    {
        var longer = Phrase("long", 12 * Frame, seed: 31);
        var prefix = new PhraseAudio("short", "short", longer.Pcm[..(3 * Frame)], Rate);
        var matcher = new BotPhraseMatcher([Welcome, AskName, prefix, longer], Rate);
        byte[] audio = [.. Padded(Welcome), .. Silence(4), .. longer.Pcm, .. prefix.Pcm, .. Tone.Noise(30 * Frame, 5), .. Silence(30), .. Padded(AskName)];
        var session = matcher.StartSession();
        var live = new List<BotAudioSegment>();

        for (var offset = 0; offset < audio.Length; offset += 97)
        {
            live.AddRange(session.Append(audio.AsSpan(offset, Math.Min(97, audio.Length - offset))));
        }

        live.AddRange(session.Complete());

        Assert.Equal(matcher.Match(audio), live);
        Assert.Equal(["welcome", "long", "short", "ask_name"], session.PhraseKeys);
    }

    [Fact]
    public void Session_LongerCandidateStillPossible_WaitsBeforeSettling()
    {
        var longer = Phrase("long", 6 * Frame, seed: 41);
        var prefix = new PhraseAudio("short", "short", longer.Pcm[..(2 * Frame)], Rate);
        var session = new BotPhraseMatcher([prefix, longer], Rate).StartSession();

        var early = session.Append(longer.Pcm.AsSpan(0, 4 * Frame));
        var late = session.Append(longer.Pcm.AsSpan(4 * Frame));

        Assert.Empty(early);
        Assert.Equal("long", Assert.Single(late).PhraseKey);
    }

    private static PhraseAudio Phrase(string key, int bytes, int seed) => new(key, $"text of {key}", Tone.Noise(bytes, seed), Rate);

    private static byte[] Padded(PhraseAudio phrase)
    {
        var frames = (phrase.Pcm.Length + Frame - 1) / Frame;
        var padded = new byte[frames * Frame];
        phrase.Pcm.CopyTo(padded, 0);
        return padded;
    }

    private static byte[] Silence(int frames) => new byte[frames * Frame];
}
