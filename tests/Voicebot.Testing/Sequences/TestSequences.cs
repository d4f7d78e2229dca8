using System.Buffers;

namespace Voicebot.Testing.Sequences;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/> values so parsers are tested across every buffer split,
/// as a <c>PipeReader</c> may deliver them (after aspnetcore's <c>ReadOnlySequenceFactory</c>).
/// </summary>
/// <remarks>
/// Each segment is copied into its own array with guard bytes on both sides, so a parser that reads past a segment,
/// or assumes a segment starts at array offset 0, sees wrong data instead of passing by luck.
/// </remarks>
public static class TestSequences
{
    /// <summary>Value of the guard bytes around each segment.</summary>
    public const byte GuardByte = 0xEE;

    private const int GuardLength = 8;

    /// <summary>
    /// Splits <paramref name="data"/> into segments of <paramref name="segmentSize"/> bytes (the last one may be shorter).
    /// Empty <paramref name="data"/> gives an empty sequence.
    /// </summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 1);

        var lengths = new List<int>();
        for (var offset = 0; offset < data.Length; offset += segmentSize)
        {
            lengths.Add(Math.Min(segmentSize, data.Length - offset));
        }

        return Build(data, lengths, interleaveEmpty: false);
    }

    /// <summary>
    /// One segment per byte with an empty segment before, between and after them: the worst case a parser can meet.
    /// </summary>
    public static ReadOnlySequence<byte> SegmentPerByte(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);

        var lengths = new List<int>(data.Length);
        for (var i = 0; i < data.Length; i++)
        {
            lengths.Add(1);
        }

        return Build(data, lengths, interleaveEmpty: true);
    }

    /// <summary>
    /// Splits <paramref name="data"/> at the given offsets. Offsets are clamped to <c>[0, data.Length]</c>, sorted, and
    /// duplicates make empty segments, so any list of integers (e.g. from a property-based generator) is valid.
    /// </summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, IEnumerable<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(offsets);

        var cuts = new List<int>();
        foreach (var offset in offsets)
        {
            cuts.Add(Math.Clamp(offset, 0, data.Length));
        }

        cuts.Sort();
        var lengths = new List<int>(cuts.Count + 1);
        var previous = 0;
        foreach (var cut in cuts)
        {
            lengths.Add(cut - previous);
            previous = cut;
        }

        lengths.Add(data.Length - previous);
        return Build(data, lengths, interleaveEmpty: false);
    }

    /// <summary>
    /// Splits <paramref name="data"/> into segments of random lengths between 1 and <paramref name="maxSegmentSize"/>,
    /// with an occasional empty segment. Pass a seeded <see cref="Random"/> so a failure can be replayed.
    /// </summary>
    public static ReadOnlySequence<byte> RandomSplit(byte[] data, Random random, int maxSegmentSize = 64)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegmentSize, 1);

        var lengths = new List<int>();
        var remaining = data.Length;
        while (remaining > 0)
        {
            // About one segment in eight is empty: real pipes rarely produce them, parsers must still cope.
            var length = random.Next(8) == 0 ? 0 : Math.Min(remaining, random.Next(1, maxSegmentSize + 1));
            lengths.Add(length);
            remaining -= length;
        }

        return Build(data, lengths, interleaveEmpty: false);
    }

    /// <summary>
    /// The segment sizes worth testing for a buffer of <paramref name="length"/> bytes: every size from 1 to
    /// <paramref name="length"/> (the last one is the whole buffer in one segment).
    /// </summary>
    public static IEnumerable<int> AllSegmentSizes(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        return Enumerable.Range(1, length);
    }

    private static ReadOnlySequence<byte> Build(byte[] data, List<int> lengths, bool interleaveEmpty)
    {
        if (lengths.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        var offset = 0;

        void Append(int length)
        {
            var array = new byte[length + (2 * GuardLength)];
            array.AsSpan().Fill(GuardByte);
            data.AsSpan(offset, length).CopyTo(array.AsSpan(GuardLength));
            offset += length;

            var segment = new Segment(new ReadOnlyMemory<byte>(array, GuardLength, length));
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Append(segment);
            }

            last = segment;
        }

        if (interleaveEmpty)
        {
            Append(0);
        }

        foreach (var length in lengths)
        {
            Append(length);
            if (interleaveEmpty)
            {
                Append(0);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public void Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
        }
    }
}
