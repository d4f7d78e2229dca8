using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Voicebot.Protocol.Tests.Support;
using Voicebot.Testing.Sequences;

namespace Voicebot.Protocol.Tests;

/// <summary>Property-based checks of the reader and writer together, across random segmentations.</summary>
public sealed class AudioSocketFrameReaderProperties
{
    private const int MaxPayload = 4096;

    [Property(MaxTest = 300)]
    public Property WriteThenRead_RandomCallAcrossRandomSegments_ReturnsSameFrames() =>
        Prop.ForAll(AudioSocketGen.Calls(), call =>
        {
            var wire = Write(call);
            var buffer = TestSequences.SplitAt(wire, Cuts(call.Cuts, wire.Length));
            var validator = new AudioSocketInboundValidator();
            var frames = new List<TestFrame>();

            while (AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame))
            {
                validator.Validate(frame);
                frames.Add(new TestFrame(frame.Kind, frame.Payload.ToArray()));
            }

            Assert.True(buffer.IsEmpty);
            Assert.Equal(call.CallId, validator.CallId);
            Assert.Equal(call.Media.Length + 1, frames.Count);
            for (var i = 0; i < call.Media.Length; i++)
            {
                Assert.Equal(call.Media[i].Kind, frames[i + 1].Kind);
                Assert.Equal(call.Media[i].Payload, frames[i + 1].Payload);
            }
        });

    [Property(MaxTest = 300)]
    public Property TryRead_PrefixOfValidStream_ReadsWholeFramesAndConsumesNothingOfTheRest() =>
        Prop.ForAll(AudioSocketGen.Calls(), Gen.Choose(0, 100_000).ToArbitrary(), (call, cut) =>
        {
            var wire = Write(call);
            var prefix = wire[..(cut % (wire.Length + 1))];
            var buffer = TestSequences.SplitAt(prefix, Cuts(call.Cuts, prefix.Length));
            var consumed = 0L;

            while (AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame))
            {
                consumed += AudioSocketFrameReader.HeaderSize + frame.Payload.Length;
            }

            Assert.Equal(prefix.Length - consumed, buffer.Length);
            Assert.True(buffer.Length < AudioSocketFrameReader.HeaderSize + MaxPayload);
        });

    [Property(MaxTest = 1000)]
    public Property TryRead_RandomBytes_ThrowsOnlyProtocolExceptionAndAlwaysProgresses() =>
        Prop.ForAll(AudioSocketGen.RandomBytes(), input =>
        {
            var buffer = TestSequences.SplitAt(input.Data, Cuts(input.Cuts, input.Data.Length));
            var validator = new AudioSocketInboundValidator();
            var reads = 0;

            try
            {
                while (true)
                {
                    var before = buffer.Length;
                    if (!AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame))
                    {
                        Assert.Equal(before, buffer.Length);
                        break;
                    }

                    // Every message is at least a header long, so the loop ends after Length / 3 reads at most.
                    Assert.True(buffer.Length <= before - AudioSocketFrameReader.HeaderSize);
                    Assert.True(++reads <= input.Data.Length / AudioSocketFrameReader.HeaderSize);
                    validator.Validate(frame);
                }
            }
            catch (AudioSocketProtocolException ex)
            {
                Assert.NotEqual(AudioSocketViolation.Unknown, ex.Violation);
            }
        });

    [Property(MaxTest = 500)]
    public Property TryRead_RandomBytes_SameOutcomeWhateverTheSegmentation() =>
        Prop.ForAll(AudioSocketGen.RandomBytes(), input =>
        {
            var whole = Outcome(new ReadOnlySequence<byte>(input.Data));
            var split = Outcome(TestSequences.SplitAt(input.Data, Cuts(input.Cuts, input.Data.Length)));
            var perByte = Outcome(TestSequences.SegmentPerByte(input.Data));

            Assert.Equal(whole, split);
            Assert.Equal(whole, perByte);
        });

    private static string Outcome(ReadOnlySequence<byte> buffer)
    {
        var outcome = new List<string>();
        try
        {
            while (AudioSocketFrameReader.TryRead(ref buffer, MaxPayload, out var frame))
            {
                outcome.Add($"{(byte)frame.Kind:X2}:{Convert.ToHexString(frame.Payload.ToArray())}");
            }

            outcome.Add($"rest {buffer.Length}");
        }
        catch (AudioSocketProtocolException ex)
        {
            outcome.Add(ex.Violation.ToString());
        }

        return string.Join(' ', outcome);
    }

    private static byte[] Write(TestCall call)
    {
        var writer = new ArrayBufferWriter<byte>();
        AudioSocketFrameWriter.WriteUuid(writer, call.CallId);
        foreach (var frame in call.Media)
        {
            if (frame.Kind == AudioSocketKind.Dtmf)
            {
                AudioSocketFrameWriter.WriteDtmf(writer, (char)frame.Payload[0]);
            }
            else
            {
                AudioSocketFrameWriter.Write(writer, frame.Kind, frame.Payload);
            }
        }

        return writer.WrittenSpan.ToArray();
    }

    private static IEnumerable<int> Cuts(int[] cuts, int length)
    {
        foreach (var cut in cuts)
        {
            yield return cut % (length + 1);
        }
    }
}
