using Voicebot.Protocol;

namespace Voicebot.Cli.Calling;

/// <summary>
/// Incremental <see cref="BotPhraseMatcher"/>: append the bot's audio as it arrives and get back the segments that are
/// settled. A phrase is reported once no longer phrase could still match; unrecognised audio once it ends. Not thread-safe.
/// </summary>
public sealed class PhraseMatchSession
{
    private readonly BotPhraseMatcher _matcher;
    private readonly int _frameBytes;
    private readonly List<BotAudioSegment> _segments = [];
    private byte[] _buffer = new byte[64 * 1024];
    private int _length;
    private int _position;        // next frame to examine, in frames from the start of _buffer
    private long _bufferStart;    // absolute frame index of _buffer[0]
    private long _unknownStart = -1;
    private long _unknownEnd;
    private int _zeroRun;
    private bool _completed;

    internal PhraseMatchSession(BotPhraseMatcher matcher)
    {
        _matcher = matcher;
        _frameBytes = matcher.FrameBytes;
    }

    /// <summary>Every settled segment so far.</summary>
    public IReadOnlyList<BotAudioSegment> Segments => _segments;

    /// <summary>Keys of the phrases recognised so far, in order.</summary>
    public IReadOnlyList<string> PhraseKeys
    {
        get
        {
            var keys = new List<string>();
            foreach (var segment in _segments)
            {
                if (segment.Kind == BotAudioSegmentKind.Phrase)
                {
                    keys.Add(segment.PhraseKey!);
                }
            }

            return keys;
        }
    }

    /// <summary>Adds audio (any length; frames may straddle calls); returns the segments this settled, in order.</summary>
    public IReadOnlyList<BotAudioSegment> Append(ReadOnlySpan<byte> audio)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The session is complete.");
        }

        EnsureCapacity(audio.Length);
        audio.CopyTo(_buffer.AsSpan(_length));
        _length += audio.Length;
        return Process(final: false);
    }

    /// <summary>Ends the audio (the call is over): settles everything left; returns the segments this settled.</summary>
    public IReadOnlyList<BotAudioSegment> Complete()
    {
        if (_completed)
        {
            return [];
        }

        var partial = _length % _frameBytes;
        if (partial != 0)
        {
            // The bot pads a phrase's last frame with zeros; do the same to a trailing partial frame.
            var pad = _frameBytes - partial;
            EnsureCapacity(pad);
            _buffer.AsSpan(_length, pad).Clear();
            _length += pad;
        }

        var settled = Process(final: true);
        _completed = true;
        return settled;
    }

    private List<BotAudioSegment> Process(bool final)
    {
        var settled = new List<BotAudioSegment>();
        while (true)
        {
            var available = (_length / _frameBytes) - _position;
            if (available <= 0)
            {
                break;
            }

            var frame = FrameAt(_position);
            var best = FindLongestMatch(available, final, out var undecided);
            if (undecided)
            {
                break;   // a longer phrase may still match: wait for more audio
            }

            if (best is not null)
            {
                FlushUnknown(settled);
                var start = _bufferStart + _position;
                Add(settled, new BotAudioSegment(BotAudioSegmentKind.Phrase, FrameTime(start), FrameTime(best.Frames), best.Key, best.Text));
                _position += best.Frames;
                continue;
            }

            if (frame.IndexOfAnyExcept((byte)0) < 0)
            {
                if (_unknownStart >= 0 && ++_zeroRun > _matcher.GapToleranceFrames)
                {
                    FlushUnknown(settled);
                }

                _position++;
                continue;
            }

            if (_unknownStart < 0)
            {
                _unknownStart = _bufferStart + _position;
            }

            _zeroRun = 0;
            _unknownEnd = _bufferStart + _position + 1;
            _position++;
        }

        if (final)
        {
            FlushUnknown(settled);
        }

        Compact();
        return settled;
    }

    private BotPhraseMatcher.KnownPhrase? FindLongestMatch(int available, bool final, out bool undecided)
    {
        undecided = false;
        var candidates = _matcher.CandidatesFor(FrameAt(_position));
        if (candidates is null)
        {
            return null;
        }

        BotPhraseMatcher.KnownPhrase? best = null;
        foreach (var candidate in candidates)
        {
            var frames = Math.Min(candidate.Frames, available);
            var bytes = frames * _frameBytes;
            var audio = _buffer.AsSpan(_position * _frameBytes, bytes);
            if (!audio.SequenceEqual(candidate.Pcm.AsSpan(0, bytes)))
            {
                continue;
            }

            if (candidate.Frames <= available)
            {
                if (best is null || candidate.Frames > best.Frames)
                {
                    best = candidate;
                }
            }
            else if (!final)
            {
                undecided = true;
            }
        }

        return best;
    }

    private ReadOnlySpan<byte> FrameAt(int frame) => _buffer.AsSpan(frame * _frameBytes, _frameBytes);

    private void FlushUnknown(List<BotAudioSegment> settled)
    {
        if (_unknownStart < 0)
        {
            return;
        }

        Add(settled, new BotAudioSegment(BotAudioSegmentKind.Unrecognised, FrameTime(_unknownStart), FrameTime(_unknownEnd - _unknownStart)));
        _unknownStart = -1;
        _zeroRun = 0;
    }

    private void Add(List<BotAudioSegment> settled, BotAudioSegment segment)
    {
        settled.Add(segment);
        _segments.Add(segment);
    }

    private static TimeSpan FrameTime(long frames) => frames * AudioSocketKinds.FrameDuration;

    private void EnsureCapacity(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        Compact();
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }

    private void Compact()
    {
        if (_position == 0)
        {
            return;
        }

        var consumed = _position * _frameBytes;
        _buffer.AsSpan(consumed, _length - consumed).CopyTo(_buffer);
        _length -= consumed;
        _bufferStart += _position;
        _position = 0;
    }
}
