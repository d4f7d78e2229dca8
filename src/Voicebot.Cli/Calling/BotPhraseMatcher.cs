using Voicebot.Abstractions.Phrases;
using Voicebot.Protocol;

namespace Voicebot.Cli.Calling;

/// <summary>
/// Recognises, exactly, which known phrases the bot played. The bot starts each phrase on a 20 ms frame boundary and pads
/// its last frame with zeros; between phrases it may send any number of all-zero frames, or none. Matching is greedy at
/// frame granularity: phrases are indexed by a hash of their first frame, verified over their whole length, and the
/// longest match wins (so a phrase that is a prefix of another is still told apart). All-zero frames that start no phrase
/// are skipped; other audio becomes an <see cref="BotAudioSegmentKind.Unrecognised"/> segment. Immutable and thread-safe;
/// use <see cref="StartSession"/> for incremental matching.
/// </summary>
public sealed class BotPhraseMatcher
{
    private readonly Dictionary<int, List<KnownPhrase>> _byFirstFrame = [];

    /// <param name="phrases">Known phrases; those at another rate than <paramref name="sampleRate"/>, or empty, are ignored.</param>
    /// <param name="sampleRate">Rate of the bot's audio, Hz.</param>
    /// <param name="unrecognisedGapTolerance">
    /// All-zero gaps up to this long inside unrecognised audio do not split it (live synthesis has pauses). Default 400 ms.
    /// </param>
    public BotPhraseMatcher(IReadOnlyList<PhraseAudio> phrases, int sampleRate, TimeSpan? unrecognisedGapTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        SampleRate = sampleRate;
        FrameBytes = AudioSocketKinds.FrameBytes(sampleRate);
        GapToleranceFrames = (int)((unrecognisedGapTolerance ?? TimeSpan.FromMilliseconds(400)) / AudioSocketKinds.FrameDuration);

        foreach (var phrase in phrases)
        {
            if (phrase.SampleRate != sampleRate || phrase.Pcm.Length == 0)
            {
                continue;
            }

            var frames = (phrase.Pcm.Length + FrameBytes - 1) / FrameBytes;
            var padded = new byte[frames * FrameBytes];
            phrase.Pcm.CopyTo(padded, 0);
            var known = new KnownPhrase(phrase.Key, phrase.Text, padded, frames);
            var hash = Hash(padded.AsSpan(0, FrameBytes));
            if (!_byFirstFrame.TryGetValue(hash, out var list))
            {
                list = [];
                _byFirstFrame[hash] = list;
            }

            list.Add(known);
            PhraseCount++;
        }
    }

    /// <summary>Rate of the audio matched, Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Bytes per 20 ms frame.</summary>
    public int FrameBytes { get; }

    /// <summary>Phrases usable at <see cref="SampleRate"/>.</summary>
    public int PhraseCount { get; }

    internal int GapToleranceFrames { get; }

    /// <summary>Labels a whole recording.</summary>
    public IReadOnlyList<BotAudioSegment> Match(ReadOnlySpan<byte> audio)
    {
        var session = StartSession();
        session.Append(audio);
        session.Complete();
        return session.Segments;
    }

    /// <summary>The keys of the phrases played in <paramref name="audio"/>, in order.</summary>
    public IReadOnlyList<string> MatchKeys(ReadOnlySpan<byte> audio)
    {
        var keys = new List<string>();
        foreach (var segment in Match(audio))
        {
            if (segment.Kind == BotAudioSegmentKind.Phrase)
            {
                keys.Add(segment.PhraseKey!);
            }
        }

        return keys;
    }

    /// <summary>Starts incremental matching of one call's audio.</summary>
    public PhraseMatchSession StartSession() => new(this);

    internal static int Hash(ReadOnlySpan<byte> frame)
    {
        var hash = default(HashCode);
        hash.AddBytes(frame);
        return hash.ToHashCode();
    }

    internal IReadOnlyList<KnownPhrase>? CandidatesFor(ReadOnlySpan<byte> frame) =>
        _byFirstFrame.TryGetValue(Hash(frame), out var list) ? list : null;

    internal sealed record KnownPhrase(string Key, string Text, byte[] Pcm, int Frames);
}
