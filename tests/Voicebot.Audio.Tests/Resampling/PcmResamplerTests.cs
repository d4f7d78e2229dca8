using Voicebot.Abstractions.Audio;
using Voicebot.Audio.Resampling;

namespace Voicebot.Audio.Tests.Resampling;

public sealed class PcmResamplerTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Ratios => new()
    {
        { 22050, 8000 },
        { 24000, 8000 },
        { 16000, 8000 },
        { 44100, 8000 },
        { 48000, 8000 },
        { 8000, 16000 },
        { 22050, 16000 },
        { 8000, 22050 },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void Process_1kHzTone_KeepsFrequencyAndLevel(int fromRate, int toRate)
    {
        const double Amplitude = 10000;
        var input = Signal.Tone(1000, fromRate, fromRate, Amplitude);

        var resampled = PcmResampler.Resample(input, fromRate, toRate);

        var middle = Signal.Middle(resampled);
        var gainDb = Signal.Db(Signal.Amplitude(middle, 1000, toRate) / Amplitude);
        var zeroCrossings = Signal.ZeroCrossingFrequency(middle, toRate);
        var peak = Signal.PeakFrequency(middle, toRate);
        output.WriteLine($"{fromRate}->{toRate}: gain {gainDb:F4} dB, zero crossings {zeroCrossings:F3} Hz, DFT peak {peak} Hz");
        Assert.InRange(gainDb, -0.5, 0.5);
        Assert.InRange(zeroCrossings, 999, 1001);
        Assert.Equal(1000, peak, 1);
    }

    [Theory]
    [InlineData(22050, 8000, 5000)]
    [InlineData(24000, 8000, 5000)]
    [InlineData(44100, 8000, 5000)]
    [InlineData(16000, 8000, 5000)]
    [InlineData(22050, 8000, 4200)]
    [InlineData(22050, 8000, 7000)]
    [InlineData(22050, 16000, 9000)]
    public void Process_ToneAboveNewNyquist_IsAttenuatedBy60Db(int fromRate, int toRate, double frequency)
    {
        var input = Signal.Tone(frequency, fromRate, fromRate, 16384);

        var resampled = PcmResampler.Resample(input, fromRate, toRate);

        var attenuationDb = -Signal.Db(PcmLevel.Rms(Signal.Middle(resampled)) / PcmLevel.Rms(input));
        output.WriteLine($"{fromRate}->{toRate}, {frequency} Hz: attenuated by {attenuationDb:F1} dB");
        Assert.True(attenuationDb >= 60, $"attenuated by only {attenuationDb:F1} dB");
    }

    [Theory]
    [InlineData(22050, 8000)]
    [InlineData(24000, 8000)]
    [InlineData(16000, 8000)]
    [InlineData(44100, 8000)]
    [InlineData(8000, 16000)]
    public void Process_PassbandUpTo3400Hz_IsFlatWithinHalfDb(int fromRate, int toRate)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var frequency in new[] { 100.0, 300, 1000, 2000, 3000, 3300, 3400 })
        {
            var input = Signal.Tone(frequency, fromRate, fromRate, 10000);

            var resampled = PcmResampler.Resample(input, fromRate, toRate);

            var gainDb = Signal.Db(Signal.Amplitude(Signal.Middle(resampled), frequency, toRate) / 10000);
            min = Math.Min(min, gainDb);
            max = Math.Max(max, gainDb);
        }

        output.WriteLine($"{fromRate}->{toRate}: pass band 100-3400 Hz gain between {min:F4} and {max:F4} dB");
        Assert.InRange(min, -0.5, 0.5);
        Assert.InRange(max, -0.5, 0.5);
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void Process_RandomChunks_MatchWholeStreamExactly(int fromRate, int toRate)
    {
        var input = Signal.ToBytes(Signal.Noise(fromRate / 2, seed: fromRate + toRate));
        var whole = PcmResampler.Process(input, fromRate, toRate, null, final: true).Pcm;

        for (var seed = 0; seed < 5; seed++)
        {
            var chunked = InRandomChunks(input, fromRate, toRate, new Random(seed), maxChunkBytes: 2 + (seed * 300));

            Assert.Equal(whole, chunked);
        }
    }

    [Theory]
    [MemberData(nameof(Ratios))]
    public void StreamingResampler_RandomChunks_MatchesStatelessProcess(int fromRate, int toRate)
    {
        var input = Signal.Noise(fromRate / 2, seed: 7);
        var expected = Signal.ToSamples(PcmResampler.Process(Signal.ToBytes(input), fromRate, toRate, null, final: true).Pcm);
        var resampler = new StreamingResampler(fromRate, toRate);
        var actual = new List<short>();
        var random = new Random(3);
        var offset = 0;

        while (offset < input.Length)
        {
            var length = Math.Min(random.Next(0, 700), input.Length - offset);
            var final = offset + length == input.Length;
            var buffer = new short[resampler.GetOutputSampleCount(length, final)];
            var written = resampler.Process(input.AsSpan(offset, length), buffer, final);
            Assert.Equal(buffer.Length, written);
            actual.AddRange(buffer);
            offset += length;
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(22050, 8000)]
    [InlineData(24000, 8000)]
    [InlineData(8000, 16000)]
    public void Process_ToneInSmallChunks_HasNoClicks(int fromRate, int toRate)
    {
        const double Amplitude = 16384;
        var input = Signal.ToBytes(Signal.Tone(1000, fromRate, fromRate, Amplitude));

        var resampled = Signal.ToSamples(InRandomChunks(input, fromRate, toRate, new Random(1), maxChunkBytes: 320));

        // The largest step of a sampled sine is 2·A·sin(π·f/fs); a click at a chunk border would exceed it.
        var bound = 2 * Amplitude * Math.Sin(Math.PI * 1000 / toRate);
        var jump = Signal.MaxJump(resampled.AsSpan(toRate / 100, resampled.Length - (toRate / 50)));
        output.WriteLine($"{fromRate}->{toRate}: max step {jump}, ideal {bound:F0}");
        Assert.InRange(jump, 0, bound * 1.01);
    }

    [Theory]
    [InlineData(22050, 8000)]
    [InlineData(24000, 8000)]
    [InlineData(44100, 8000)]
    [InlineData(8000, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(8000, 8000)]
    public void Process_WholeStream_OutputLengthIsInputTimesRatio(int fromRate, int toRate)
    {
        foreach (var samples in new[] { 0, 1, 2, 7, 100, 441, 1000, 22050, 33333 })
        {
            var pcm = new byte[samples * 2];

            var chunk = PcmResampler.Process(pcm, fromRate, toRate, null, final: true);

            var expected = (int)Math.Ceiling((double)samples * toRate / fromRate);
            Assert.Equal(expected, chunk.Pcm.Length / 2);
            Assert.Equal(samples, chunk.State.InputSamples);
            Assert.Equal(expected, chunk.State.OutputSamples);
        }
    }

    [Fact]
    public void Process_TenMinuteStreamInFrames_KeepsExactLengthAndPhase()
    {
        // 22050 Hz in 20 ms frames (441 samples) for 10 minutes: the last output still lines up with an ideal 1 kHz sine.
        const int FromRate = 22050, ToRate = 8000, Frame = 441, Frames = 30_000;
        var frame = new byte[Frame * 2];
        ResamplerState? state = null;
        byte[] last = [];
        long inputs = 0, firstIndex = 0;

        for (var f = 0; f < Frames; f++)
        {
            for (var i = 0; i < Frame; i++)
            {
                var value = (short)Math.Round(10000 * Math.Sin(2 * Math.PI * 1000 * ((inputs + i) % FromRate) / FromRate));
                frame[2 * i] = (byte)value;
                frame[(2 * i) + 1] = (byte)(value >> 8);
            }

            inputs += Frame;
            if (f == Frames - 20)
            {
                firstIndex = state!.OutputSamples;
            }

            var chunk = PcmResampler.Process(frame, FromRate, ToRate, state, final: f == Frames - 1);
            state = chunk.State;
            if (f == Frames - 20)
            {
                last = chunk.Pcm;
            }
        }

        Assert.Equal(inputs, state!.InputSamples);
        Assert.Equal((long)Math.Ceiling(inputs * (double)ToRate / FromRate), state.OutputSamples);
        var samples = Signal.ToSamples(last);
        var worst = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            var n = firstIndex + i;
            var ideal = 10000 * Math.Sin(2 * Math.PI * 1000 * (n % ToRate) / ToRate);
            worst = Math.Max(worst, Math.Abs(samples[i] - ideal));
        }

        output.WriteLine($"after 10 minutes: worst deviation from the ideal sine {worst:F1} (of 10000)");
        Assert.InRange(worst, 0, 10);
    }

    [Fact]
    public void Process_StateCopiedBetweenChunks_GivesTheSameSamples()
    {
        var input = Signal.ToBytes(Signal.Noise(4000, seed: 1));
        var first = PcmResampler.Process(input.AsSpan(0, 3000), 22050, 8000, null, final: false);
        var direct = PcmResampler.Process(input.AsSpan(3000), 22050, 8000, first.State, final: true);

        // What a serializer would do: a new record and a new array, same values.
        var copied = first.State with { History = (short[])first.State.History.Clone() };
        var viaCopy = PcmResampler.Process(input.AsSpan(3000), 22050, 8000, copied, final: true);
        var viaStreaming = new StreamingResampler(first.State).ToState();

        Assert.Equal(direct.Pcm, viaCopy.Pcm);
        Assert.Equal(first.State.History, viaStreaming.History);
        Assert.Equal(first.State.Position, viaStreaming.Position);
        Assert.Equal(1500, first.State.InputSamples);
        Assert.Equal(first.Pcm.Length / 2, first.State.OutputSamples);
        Assert.Equal(input.Length / 2, direct.State.InputSamples);
    }

    [Fact]
    public void Process_StateOfAnotherRatio_Throws()
    {
        var state = PcmResampler.Process(new byte[400], 22050, 8000, null, final: false).State;

        Assert.Throws<ArgumentException>(() => PcmResampler.Process(new byte[400], 24000, 8000, state, final: false));
    }

    [Fact]
    public void Process_OddByteCount_Throws()
    {
        Assert.Throws<ArgumentException>(() => PcmResampler.Process(new byte[3], 22050, 8000, null, final: false));
    }

    [Theory]
    [InlineData(0, 8000)]
    [InlineData(8000, -1)]
    [InlineData(1000, 100_000)]
    public void Process_InvalidRates_Throw(int fromRate, int toRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PcmResampler.Process(new byte[4], fromRate, toRate, null, final: true));
    }

    [Fact]
    public void Process_SameRate_PassesThrough()
    {
        var input = Signal.ToBytes(Signal.Noise(100, seed: 2));

        var chunk = PcmResampler.Process(input, 8000, 8000, null, final: false);

        Assert.Equal(input, chunk.Pcm);
        Assert.Equal(100, chunk.State.OutputSamples);
    }

    [Fact]
    public void Process_FullScaleSquareWave_ClampsWithoutWrapping()
    {
        var input = new short[22050];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (i / 50 % 2) == 0 ? short.MaxValue : short.MinValue;
        }

        var resampled = PcmResampler.Resample(input, 22050, 8000);

        // The Gibbs overshoot is clamped: a wrapped sample would show as a full-scale jump inside a plateau.
        Assert.Contains(short.MaxValue, resampled);
        Assert.InRange(Signal.MaxJump(resampled), 0, 60000);
        for (var n = 100; n < resampled.Length - 100; n++)
        {
            var phase = n * 22050.0 / 8000 % 100;
            if (phase is > 15 and < 35)
            {
                Assert.True(resampled[n] > 20000, $"sample {n} = {resampled[n]}");
            }
        }
    }

    [Fact]
    public void GetOutputSampleCount_MatchesProcess()
    {
        var random = new Random(5);
        ResamplerState? state = null;
        for (var i = 0; i < 50; i++)
        {
            var samples = random.Next(0, 600);
            var final = i == 49;
            var expected = PcmResampler.GetOutputSampleCount(state, 24000, 8000, samples, final);

            var chunk = PcmResampler.Process(new byte[samples * 2], 24000, 8000, state, final);

            Assert.Equal(expected, chunk.Pcm.Length / 2);
            state = chunk.State;
        }
    }

    private static byte[] InRandomChunks(byte[] input, int fromRate, int toRate, Random random, int maxChunkBytes) =>
        ChunkedResampling.Resample(input, fromRate, toRate, _ => random.Next(0, (maxChunkBytes / 2) + 1));
}
