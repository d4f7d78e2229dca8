using FsCheck;
using FsCheck.Fluent;

namespace Voicebot.Protocol.Tests.Support;

/// <summary>One message as a test sees it: a kind and a payload.</summary>
internal sealed record TestFrame(AudioSocketKind Kind, byte[] Payload)
{
    public override string ToString() => $"0x{(byte)Kind:X2}[{Payload.Length}]";
}

/// <summary>A call as Asterisk would send it, plus where the pipe cut it into segments.</summary>
internal sealed record TestCall(Guid CallId, TestFrame[] Media, int[] Cuts)
{
    public override string ToString() => $"{CallId} media=[{string.Join(", ", (object[])Media)}] cuts=[{string.Join(", ", Cuts)}]";
}

/// <summary>Arbitrary bytes and where the pipe cut them.</summary>
internal sealed record TestBytes(byte[] Data, int[] Cuts)
{
    public override string ToString() => $"{Convert.ToHexString(Data)} cuts=[{string.Join(", ", Cuts)}]";
}

/// <summary>FsCheck generators for AudioSocket traffic.</summary>
internal static class AudioSocketGen
{
    private static readonly AudioSocketKind[] AudioKinds =
    [
        AudioSocketKind.Audio, AudioSocketKind.AudioSlin12, AudioSocketKind.AudioSlin16, AudioSocketKind.AudioSlin24,
        AudioSocketKind.AudioSlin32, AudioSocketKind.AudioSlin44, AudioSocketKind.AudioSlin48, AudioSocketKind.AudioSlin96,
        AudioSocketKind.AudioSlin192,
    ];

    // Bytes that steer random input towards valid kinds and short lengths, so the reader gets past the header.
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0F, 0x10, 0x12, 0x18, 0x19, 0x7F, 0xFF];

    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(i => (byte)i);

    public static Gen<TestFrame> MediaFrame { get; } = Gen.OneOf(
        Gen.Elements("0123456789*#ABCD".ToCharArray()).Select(d => new TestFrame(AudioSocketKind.Dtmf, [(byte)d])),
        Gen.Elements(AudioKinds).SelectMany(
            kind => Gen.Choose(1, 400).SelectMany(samples => Byte.ArrayOf(samples * 2)),
            (kind, payload) => new TestFrame(kind, payload)));

    public static Gen<TestCall> Call { get; } =
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        from media in MediaFrame.ListOf().Select(list => list.ToArray())
        from cuts in Gen.Choose(0, 100_000).ArrayOf()
        select new TestCall(NewGuid(high, low), media, cuts);

    public static Gen<TestBytes> Bytes { get; } =
        from data in Gen.Frequency((1, Byte), (1, Gen.Elements(InterestingBytes))).ArrayOf()
        from cuts in Gen.Choose(0, 100_000).ArrayOf()
        select new TestBytes(data, cuts);

    public static Arbitrary<TestCall> Calls() => Arb.From(Call);

    public static Arbitrary<TestBytes> RandomBytes() => Arb.From(Bytes);

    private static Guid NewGuid(int high, int low)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, high);
        BitConverter.TryWriteBytes(bytes[4..], low);
        BitConverter.TryWriteBytes(bytes[8..], high ^ 0x5A5A5A5A);
        BitConverter.TryWriteBytes(bytes[12..], low * 31);
        return new Guid(bytes);
    }
}
