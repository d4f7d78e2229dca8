namespace Voicebot.Protocol.Tests;

public sealed class AudioSocketKindsTests
{
    public static TheoryData<AudioSocketKind, int> AudioKindRates => new()
    {
        { AudioSocketKind.Audio, 8000 },
        { AudioSocketKind.AudioSlin12, 12000 },
        { AudioSocketKind.AudioSlin16, 16000 },
        { AudioSocketKind.AudioSlin24, 24000 },
        { AudioSocketKind.AudioSlin32, 32000 },
        { AudioSocketKind.AudioSlin44, 44100 },
        { AudioSocketKind.AudioSlin48, 48000 },
        { AudioSocketKind.AudioSlin96, 96000 },
        { AudioSocketKind.AudioSlin192, 192000 },
    };

    [Theory]
    [MemberData(nameof(AudioKindRates))]
    public void SampleRate_AudioKind_ReturnsAsteriskRate(AudioSocketKind kind, int expectedRate)
    {
        var rate = kind.SampleRate();

        Assert.Equal(expectedRate, rate);
    }

    [Theory]
    [MemberData(nameof(AudioKindRates))]
    public void AudioKindFor_Rate_RoundTripsThroughSampleRate(AudioSocketKind expectedKind, int rate)
    {
        var kind = AudioSocketKinds.AudioKindFor(rate);

        Assert.Equal(expectedKind, kind);
        Assert.Equal(rate, kind.SampleRate());
    }

    [Theory]
    [InlineData(AudioSocketKind.Hangup)]
    [InlineData(AudioSocketKind.Uuid)]
    [InlineData(AudioSocketKind.Dtmf)]
    [InlineData(AudioSocketKind.Error)]
    [InlineData((AudioSocketKind)0x19)]
    public void SampleRate_NonAudioKind_Throws(AudioSocketKind kind)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => kind.SampleRate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11025)]
    [InlineData(22050)]
    [InlineData(-8000)]
    public void AudioKindFor_RateWithoutKind_Throws(int rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioSocketKinds.AudioKindFor(rate));
    }

    [Theory]
    [InlineData(8000, 320)]
    [InlineData(12000, 480)]
    [InlineData(16000, 640)]
    [InlineData(24000, 960)]
    [InlineData(44100, 1764)]
    [InlineData(48000, 1920)]
    public void FrameBytes_Rate_Is20MillisecondsOfPcm16(int rate, int expectedBytes)
    {
        var bytes = AudioSocketKinds.FrameBytes(rate);

        Assert.Equal(expectedBytes, bytes);
        Assert.Equal(rate * AudioSocketKinds.FrameDuration.TotalSeconds * 2, bytes);
    }

    [Fact]
    public void FrameDuration_Always_Is20Milliseconds()
    {
        var duration = AudioSocketKinds.FrameDuration;

        Assert.Equal(TimeSpan.FromMilliseconds(20), duration);
    }

    [Fact]
    public void IsDefined_EveryByte_TrueExactlyForEnumMembers()
    {
        var members = new HashSet<byte>();
        foreach (var kind in Enum.GetValues<AudioSocketKind>())
        {
            members.Add((byte)kind);
        }

        for (var value = 0; value <= byte.MaxValue; value++)
        {
            Assert.Equal(members.Contains((byte)value), AudioSocketKinds.IsDefined((byte)value));
        }

        Assert.Equal(13, members.Count);
    }

    [Fact]
    public void IsAudio_EveryByte_TrueExactlyFor0x10To0x18()
    {
        for (var value = 0; value <= byte.MaxValue; value++)
        {
            var expected = value is >= 0x10 and <= 0x18;

            Assert.Equal(expected, AudioSocketKinds.IsAudio((byte)value));
            Assert.Equal(expected, ((AudioSocketKind)value).IsAudio());
        }
    }
}
