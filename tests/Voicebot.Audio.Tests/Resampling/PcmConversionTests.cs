using Voicebot.Audio.Resampling;

namespace Voicebot.Audio.Tests.Resampling;

public sealed class PcmConversionTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 15, 16, 17, 33, 64, 100];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ToSingle_AnyLength_KeepsEverySampleExactly(int length)
    {
        var samples = new short[length];
        for (var i = 0; i < length; i++)
        {
            samples[i] = (short)(i % 3 == 0 ? short.MinValue + i : short.MaxValue - (7 * i));
        }

        var floats = new float[length + 3];

        PcmConversion.ToSingle(samples, floats);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(samples[i], floats[i]);
        }

        Assert.Equal([0f, 0f, 0f], floats[length..]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ToPcm16_AnyLength_RoundsHalfToEvenAndSaturates(int length)
    {
        float[] pattern = [0.5f, 1.5f, -0.5f, -2.5f, 2.4999f, 40000f, -40000f, 32767.4f, -32768.6f, 12.75f];
        short[] expected = [0, 2, 0, -2, 2, short.MaxValue, short.MinValue, short.MaxValue, short.MinValue, 13];
        var floats = new float[length];
        for (var i = 0; i < length; i++)
        {
            floats[i] = pattern[i % pattern.Length];
        }

        var samples = new short[length];

        PcmConversion.ToPcm16(floats, samples);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal(expected[i % expected.Length], samples[i]);
        }
    }
}
