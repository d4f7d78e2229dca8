using System.Buffers;
using System.Runtime.InteropServices;
using Voicebot.Protocol.Tests.Support;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests.Sequences;

/// <summary>The shared helper is used by every parser test: check it really splits and keeps the bytes.</summary>
public sealed class TestSequencesTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 4)]
    [InlineData(9, 2)]
    [InlineData(10, 1)]
    [InlineData(64, 1)]
    public void Split_SegmentSize_MakesExpectedSegmentsWithSameBytes(int segmentSize, int expectedSegments)
    {
        var data = Wire.Pattern(10);

        var sequence = TestSequences.Split(data, segmentSize);

        Assert.Equal(expectedSegments, SegmentLengths(sequence).Count);
        Assert.Equal(data, sequence.ToArray());
    }

    [Fact]
    public void Split_EmptyData_ReturnsEmptySequence()
    {
        var sequence = TestSequences.Split([], 4);

        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public void Split_SegmentSizeZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TestSequences.Split([1, 2], 0));
    }

    [Fact]
    public void SegmentPerByte_Data_InterleavesEmptySegments()
    {
        var data = Wire.Pattern(3);

        var sequence = TestSequences.SegmentPerByte(data);

        Assert.Equal([0, 1, 0, 1, 0, 1, 0], SegmentLengths(sequence));
        Assert.Equal(data, sequence.ToArray());
    }

    [Fact]
    public void SplitAt_UnsortedAndOutOfRangeOffsets_ClampsAndSorts()
    {
        var data = Wire.Pattern(10);

        var sequence = TestSequences.SplitAt(data, [7, -5, 3, 3, 99]);

        Assert.Equal([0, 3, 0, 4, 3, 0], SegmentLengths(sequence));
        Assert.Equal(data, sequence.ToArray());
    }

    [Fact]
    public void RandomSplit_SeededRandom_KeepsBytesAndRespectsMaximum()
    {
        var data = Wire.Pattern(1000);

        var sequence = TestSequences.RandomSplit(data, new Random(42), maxSegmentSize: 17);

        Assert.Equal(data, sequence.ToArray());
        Assert.All(SegmentLengths(sequence), length => Assert.InRange(length, 0, 17));
        Assert.True(SegmentLengths(sequence).Count > 1000 / 17);
    }

    [Fact]
    public void Split_Segments_DoNotStartAtArrayOffsetZero()
    {
        var sequence = TestSequences.Split(Wire.Pattern(4), 2);

        foreach (var memory in sequence)
        {
            Assert.True(MemoryMarshal.TryGetArray(memory, out var array));
            Assert.NotEqual(0, array.Offset);
            Assert.Equal(TestSequences.GuardByte, array.Array![array.Offset - 1]);
            Assert.Equal(TestSequences.GuardByte, array.Array[array.Offset + array.Count]);
        }
    }

    [Fact]
    public void AllSegmentSizes_Length_EnumeratesOneToLength()
    {
        var sizes = TestSequences.AllSegmentSizes(4);

        Assert.Equal([1, 2, 3, 4], sizes);
    }

    private static List<int> SegmentLengths(ReadOnlySequence<byte> sequence)
    {
        var lengths = new List<int>();
        foreach (var memory in sequence)
        {
            lengths.Add(memory.Length);
        }

        return lengths;
    }
}
