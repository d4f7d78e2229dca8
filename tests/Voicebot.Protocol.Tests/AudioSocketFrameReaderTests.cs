using System.Buffers;
using System.Buffers.Binary;
using Voicebot.Protocol.Tests.Support;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketFrameReaderTests
{
    private const int MaxPayload = 4096;

    private static readonly Guid CallId = new("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    // A whole call as Asterisk (and the bot) could put it on the wire: UUID, DTMF, audio at 8 and 16 kHz, hang-up, error.
    private static readonly byte[] Stream = Wire.Concat(
        Wire.Frame(AudioSocketKind.Uuid, CallId.ToByteArray(bigEndian: true)),
        Wire.Frame(AudioSocketKind.Dtmf, (byte)'7'),
        Wire.Frame(AudioSocketKind.Audio, Wire.Pattern(320, seed: 1)),
        Wire.Frame(AudioSocketKind.Dtmf, (byte)'#'),
        Wire.Frame(AudioSocketKind.AudioSlin16, Wire.Pattern(64, seed: 2)),
        Wire.Frame(AudioSocketKind.Hangup),
        Wire.Frame(AudioSocketKind.Error, 0x02));

    public static TheoryData<int> SegmentSizes => [1, 2, 3, 320, 4096];

    public static TheoryData<int> EverySegmentSizeOfStream => [.. TestSequences.AllSegmentSizes(Stream.Length)];

    public static TheoryData<byte> UnknownKinds => [0x02, 0x04, 0x05, 0x0F, 0x19, 0x20, 0x7F, 0x80, 0xFE];

    // res_audiosocket.h: ast_audiosocket_msg_kind
    private static readonly byte[] DefinedKindBytes = [0x00, 0x01, 0x03, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0xFF];

    public static TheoryData<byte> DefinedKinds => [.. DefinedKindBytes];

    [Theory]
    [MemberData(nameof(SegmentSizes))]
    public void TryRead_AudioFrameSplitAcrossSegments_ReturnsWholePayload(int segmentSize)
    {
        byte[] wire = [0x10, 0x01, 0x40, .. Wire.Pattern(320)];
        var buffer = TestSequences.Split(wire, segmentSize);

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        Assert.True(parsed);
        Assert.Equal(AudioSocketKind.Audio, frame.Kind);
        Assert.Equal(Wire.Pattern(320), frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(EverySegmentSizeOfStream))]
    public void TryRead_StreamSplitIntoSegmentsOfAnySize_ReadsEveryMessageInOrder(int segmentSize)
    {
        var buffer = TestSequences.Split(Stream, segmentSize);

        var frames = ReadAll(ref buffer);

        AssertIsStream(frames);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_StreamWithOneSegmentPerByteAndEmptySegments_ReadsEveryMessageInOrder()
    {
        var buffer = TestSequences.SegmentPerByte(Stream);

        var frames = ReadAll(ref buffer);

        AssertIsStream(frames);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_StreamSplitAtRandomPoints_ReadsEveryMessageInOrder()
    {
        var random = new Random(20_240_101);

        for (var i = 0; i < 200; i++)
        {
            var buffer = TestSequences.RandomSplit(Stream, random, maxSegmentSize: 1 + random.Next(400));

            var frames = ReadAll(ref buffer);

            AssertIsStream(frames);
            Assert.True(buffer.IsEmpty);
        }
    }

    [Theory]
    [MemberData(nameof(DefinedKinds))]
    public void TryRead_EveryDefinedKind_ReturnsKindAndPayload(byte kind)
    {
        var payload = Wire.Pattern(5, seed: kind);
        var buffer = TestSequences.SegmentPerByte(Wire.Frame(kind, payload));

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        Assert.True(parsed);
        Assert.Equal((AudioSocketKind)kind, frame.Kind);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_Length0x0102_IsReadBigEndian()
    {
        // 0x01 0x02 is 258 big-endian but 513 little-endian: only the right order yields a complete 258-byte frame.
        var buffer = new ReadOnlySequence<byte>([0x10, 0x01, 0x02, .. Wire.Pattern(258)]);

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        Assert.True(parsed);
        Assert.Equal(258, frame.Payload.Length);
    }

    [Fact]
    public void TryRead_AudioPayload_KeepsLittleEndianSamplesUntouched()
    {
        var samples = Wire.Samples(1, -1, short.MaxValue, short.MinValue, 0x1234);
        var buffer = TestSequences.Split(Wire.Frame(AudioSocketKind.Audio, samples), segmentSize: 3);

        AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        var payload = frame.Payload.ToArray();
        Assert.Equal(samples, payload);
        Assert.Equal(0x1234, BinaryPrimitives.ReadInt16LittleEndian(payload.AsSpan(8)));
        Assert.Equal([0x34, 0x12], payload[8..10]);
    }

    [Fact]
    public void TryRead_HangupWithEmptyPayload_ReturnsEmptyPayload()
    {
        var buffer = new ReadOnlySequence<byte>([0x00, 0x00, 0x00]);

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        Assert.True(parsed);
        Assert.Equal(AudioSocketKind.Hangup, frame.Kind);
        Assert.True(frame.Payload.IsEmpty);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_EmptyBuffer_ReturnsFalse()
    {
        var buffer = ReadOnlySequence<byte>.Empty;

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);

        Assert.False(parsed);
        Assert.Equal(default, frame);
    }

    [Fact]
    public void TryRead_TruncatedHeader_ReturnsFalseAndConsumesNothing()
    {
        var buffer = new ReadOnlySequence<byte>([0x10, 0x01]);

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _);

        Assert.False(parsed);
        Assert.Equal(2, buffer.Length);
    }

    [Fact]
    public void TryRead_EveryIncompletePrefix_ReturnsFalseAndConsumesNothing()
    {
        var wire = Wire.Frame(AudioSocketKind.Uuid, CallId.ToByteArray(bigEndian: true));

        for (var length = 0; length < wire.Length; length++)
        {
            foreach (var segmentSize in new[] { 1, 2, 3, 7, wire.Length })
            {
                var buffer = TestSequences.Split(wire[..length], segmentSize);
                var before = buffer;

                var parsed = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _);

                Assert.False(parsed);
                Assert.Equal(before.Start, buffer.Start);
                Assert.Equal(before.End, buffer.End);
            }
        }
    }

    [Fact]
    public void TryRead_WholeMessageThenPartialOne_ConsumesOnlyTheWholeMessage()
    {
        var wire = Wire.Concat(Wire.Frame(AudioSocketKind.Dtmf, (byte)'5'), Wire.Frame(AudioSocketKind.Audio, Wire.Pattern(320))[..100]);
        var buffer = TestSequences.Split(wire, segmentSize: 2);

        var first = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame);
        var second = AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _);

        Assert.True(first);
        Assert.Equal(AudioSocketKind.Dtmf, frame.Kind);
        Assert.False(second);
        Assert.Equal(100, buffer.Length);
    }

    [Fact]
    public void TryRead_DeclaredLengthAboveLimit_ThrowsFromHeaderAlone()
    {
        // Only the header has arrived: the guard must not wait for 65 535 bytes of payload.
        var buffer = new ReadOnlySequence<byte>([0x10, 0xFF, 0xFF]);

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _));

        Assert.Equal(AudioSocketViolation.PayloadTooLarge, ex.Violation);
    }

    [Fact]
    public void TryRead_DeclaredLengthOneAboveLimit_ThrowsPayloadTooLarge()
    {
        var buffer = TestSequences.SegmentPerByte(Wire.Frame(AudioSocketKind.Audio, new byte[321]));

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketFrameReader.TryRead(ref buffer, maxPayloadBytes: 320, out _));

        Assert.Equal(AudioSocketViolation.PayloadTooLarge, ex.Violation);
    }

    [Fact]
    public void TryRead_DeclaredLengthEqualToLimit_ReturnsFrame()
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Frame(AudioSocketKind.Audio, new byte[320]));

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, maxPayloadBytes: 320, out var frame);

        Assert.True(parsed);
        Assert.Equal(320, frame.Payload.Length);
    }

    [Fact]
    public void TryRead_LargestPossiblePayload_ReturnsFrame()
    {
        var payload = Wire.Pattern(ushort.MaxValue);
        var buffer = TestSequences.Split(Wire.Frame(AudioSocketKind.AudioSlin48, payload), segmentSize: 4096);

        var parsed = AudioSocketFrameReader.TryRead(ref buffer, maxPayloadBytes: ushort.MaxValue, out var frame);

        Assert.True(parsed);
        Assert.Equal(payload, frame.Payload.ToArray());
    }

    [Theory]
    [InlineData(1460)]   // one TCP segment's worth per pipe segment
    [InlineData(4096)]
    public void TryRead_ManyFramesAcrossSegments_AllocatesNothing(int segmentSize)
    {
        const int Frames = 1000;
        var frames = new byte[Frames][];
        for (var i = 0; i < Frames; i++)
        {
            frames[i] = i % 50 == 25 ? Wire.Frame(AudioSocketKind.Dtmf, (byte)'5') : Wire.Frame(AudioSocketKind.Audio, Wire.Pattern(320, seed: i));
        }

        var wire = TestSequences.Split(Wire.Concat(frames), segmentSize);
        var warmup = wire;
        AudioSocketFrameReader.TryRead(ref warmup, MaxPayload, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = 0;
        var payloadBytes = 0L;
        while (AudioSocketFrameReader.TryRead(ref wire, MaxPayload, out var frame))
        {
            read++;
            payloadBytes += frame.Payload.Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(Frames, read);
        Assert.Equal((980 * 320) + 20, payloadBytes);
    }

    [Theory]
    [MemberData(nameof(UnknownKinds))]
    public void TryRead_UnknownKind_ThrowsUnknownKind(byte kind)
    {
        var buffer = new ReadOnlySequence<byte>(Wire.Frame(kind, 0x01, 0x02));

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _));

        Assert.Equal(AudioSocketViolation.UnknownKind, ex.Violation);
    }

    [Theory]
    [MemberData(nameof(UnknownKinds))]
    public void TryRead_UnknownKindByteAlone_ThrowsWithoutWaitingForLength(byte kind)
    {
        var buffer = new ReadOnlySequence<byte>([kind]);

        var ex = Assert.Throws<AudioSocketProtocolException>(() => AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out _));

        Assert.Equal(AudioSocketViolation.UnknownKind, ex.Violation);
    }

    [Fact]
    public void TryRead_EveryByteValue_AcceptsExactlyTheDefinedKinds()
    {
        var defined = new HashSet<byte>(DefinedKindBytes);

        for (var kind = 0; kind <= byte.MaxValue; kind++)
        {
            var buffer = new ReadOnlySequence<byte>([(byte)kind, 0x00, 0x00]);
            var copy = buffer;

            var accepted = Record.Exception(() => AudioSocketFrameReader.TryRead(ref copy, MaxPayload, out _)) is null;

            Assert.Equal(defined.Contains((byte)kind), accepted);
        }
    }

    private static List<(AudioSocketKind Kind, byte[] Payload)> ReadAll(ref ReadOnlySequence<byte> buffer)
    {
        var frames = new List<(AudioSocketKind, byte[])>();
        while (AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame))
        {
            frames.Add((frame.Kind, frame.Payload.ToArray()));
        }

        return frames;
    }

    private static void AssertIsStream(List<(AudioSocketKind Kind, byte[] Payload)> frames)
    {
        Assert.Collection(
            frames,
            f =>
            {
                Assert.Equal(AudioSocketKind.Uuid, f.Kind);
                Assert.Equal(CallId, AudioSocketPayload.ReadCallId(new ReadOnlySequence<byte>(f.Payload)));
            },
            f => Assert.Equal((AudioSocketKind.Dtmf, (byte)'7'), (f.Kind, f.Payload.Single())),
            f =>
            {
                Assert.Equal(AudioSocketKind.Audio, f.Kind);
                Assert.Equal(Wire.Pattern(320, seed: 1), f.Payload);
            },
            f => Assert.Equal((AudioSocketKind.Dtmf, (byte)'#'), (f.Kind, f.Payload.Single())),
            f =>
            {
                Assert.Equal(AudioSocketKind.AudioSlin16, f.Kind);
                Assert.Equal(Wire.Pattern(64, seed: 2), f.Payload);
            },
            f => Assert.Equal((AudioSocketKind.Hangup, 0), (f.Kind, f.Payload.Length)),
            f => Assert.Equal((AudioSocketKind.Error, (byte)0x02), (f.Kind, f.Payload.Single())));
    }
}
