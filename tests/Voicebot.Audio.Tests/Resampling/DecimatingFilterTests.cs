using System.Numerics;
using Voicebot.Audio.Resampling;

namespace Voicebot.Audio.Tests.Resampling;

/// <summary>The integer-decimation path (24 → 8 kHz, 16 → 8 kHz), through the resamplers that route to it.</summary>
public sealed class DecimatingFilterTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Decimations => new()
    {
        { 24000, 8000 },
        { 16000, 8000 },
        { 48000, 8000 },
    };

    [Theory]
    [InlineData(24000, 8000, true)]
    [InlineData(16000, 8000, true)]
    [InlineData(48000, 16000, true)]
    [InlineData(22050, 8000, false)]
    [InlineData(44100, 8000, false)]
    [InlineData(8000, 16000, false)]
    public void Kernel_IntegerDecimationWithSimd_TakesTheFastPath(int fromRate, int toRate, bool expected)
    {
        var kernel = ResamplerKernel.Get(fromRate, toRate);

        Assert.Equal(expected && Vector.IsHardwareAccelerated, kernel.IsIntegerDecimation);
    }

    [Theory]
    [MemberData(nameof(Decimations))]
    public void Process_AnyChunking_GivesTheWholeStreamExactly(int fromRate, int toRate)
    {
        var input = Signal.ToBytes(Signal.Noise(fromRate / 3, seed: fromRate));
        var whole = PcmResampler.Process(input, fromRate, toRate, null, final: true).Pcm;

        // Sizes around the filter's blocks (64 outputs with 8 lanes) and odd ones, then random ones.
        foreach (var samples in new[] { 1, 2, 3, 5, 47, 191, 192, 193, 480, 481, 1000 })
        {
            Assert.Equal(whole, ChunkedResampling.Resample(input, fromRate, toRate, _ => samples));
        }

        for (var seed = 0; seed < 5; seed++)
        {
            var random = new Random(seed);
            Assert.Equal(whole, ChunkedResampling.Resample(input, fromRate, toRate, _ => random.Next(0, 700)));
        }
    }

    [Theory]
    [MemberData(nameof(Decimations))]
    public void Process_SameStream_DiffersFromTheGeneralPathByAtMostOneStep(int fromRate, int toRate)
    {
        var input = Signal.ToBytes(Signal.Noise(fromRate / 2, seed: 11));

        var fast = Signal.ToSamples(PcmResampler.Process(input, fromRate, toRate, null, final: true, fastPath: true).Pcm);
        var general = Signal.ToSamples(PcmResampler.Process(input, fromRate, toRate, null, final: true, fastPath: false).Pcm);

        Assert.Equal(general.Length, fast.Length);
        var worst = 0;
        for (var i = 0; i < fast.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(fast[i] - general[i]));
        }

        output.WriteLine($"{fromRate}->{toRate}: largest difference {worst}");
        Assert.InRange(worst, 0, 1);
    }

    [Fact]
    public void Process_StateFromTheGeneralPath_ContinuesOnTheFastPath()
    {
        // A stream started by an older silo (general path) and continued by this one: the same bookkeeping.
        var input = Signal.ToBytes(Signal.Noise(12000, seed: 4));
        var whole = Signal.ToSamples(PcmResampler.Process(input, 24000, 8000, null, final: true, fastPath: false).Pcm);

        var first = PcmResampler.Process(input.AsSpan(0, 9000), 24000, 8000, null, final: false, fastPath: false);
        var second = PcmResampler.Process(input.AsSpan(9000), 24000, 8000, first.State, final: true, fastPath: true);

        short[] joined = [.. Signal.ToSamples(first.Pcm), .. Signal.ToSamples(second.Pcm)];
        Assert.Equal(whole.Length, joined.Length);
        for (var i = 0; i < whole.Length; i++)
        {
            Assert.InRange(joined[i] - whole[i], -1, 1);
        }
    }

    [Theory]
    [MemberData(nameof(Decimations))]
    public void Process_Constant_KeepsItsLevel(int fromRate, int toRate)
    {
        var input = Enumerable.Repeat((short)10000, fromRate / 2).ToArray();

        var resampled = Signal.ToSamples(PcmResampler.Process(Signal.ToBytes(input), fromRate, toRate, null, final: true).Pcm);

        // Away from both ends, where the filter sees the silence before and after the stream.
        var middle = resampled.AsSpan(resampled.Length / 4, resampled.Length / 2);
        Assert.All(middle.ToArray(), sample => Assert.InRange(sample, 9999, 10001));
    }

    [Theory]
    [MemberData(nameof(Decimations))]
    public void Process_1kHzTone_PassesWithinHalfDb(int fromRate, int toRate)
    {
        const double Amplitude = 10000;
        var input = Signal.Tone(1000, fromRate, fromRate, Amplitude);

        var resampled = ChunkedResampling.Resample(Signal.ToBytes(input), fromRate, toRate, _ => fromRate / 50);

        var gainDb = Signal.Db(Signal.Amplitude(Signal.Middle(Signal.ToSamples(resampled)), 1000, toRate) / Amplitude);
        output.WriteLine($"{fromRate}->{toRate}: 1 kHz gain {gainDb:F4} dB");
        Assert.InRange(gainDb, -0.5, 0.5);
    }

    [Theory]
    [InlineData(24000, 5000)]
    [InlineData(24000, 4500)]
    [InlineData(24000, 9000)]
    [InlineData(16000, 5000)]
    [InlineData(16000, 4500)]
    public void Process_ToneAbove4kHz_IsAttenuatedBy50Db(int fromRate, double frequency)
    {
        var input = Signal.Tone(frequency, fromRate, fromRate, 16384);

        var resampled = Signal.ToSamples(ChunkedResampling.Resample(Signal.ToBytes(input), fromRate, 8000, _ => fromRate / 50));

        // A silent output is below one step: at least 20·log10(11585 / 0.5) ≈ 87 dB down.
        var rms = Math.Max(PcmLevel.Rms(Signal.Middle(resampled)), 0.5);
        var attenuationDb = -Signal.Db(rms / PcmLevel.Rms(input));
        output.WriteLine($"{fromRate}->8000, {frequency} Hz: attenuated by {attenuationDb:F1} dB");
        Assert.True(attenuationDb >= 50, $"attenuated by only {attenuationDb:F1} dB");
    }

    [Fact]
    public void StreamingResampler_20msFrames_AllocatesNothing()
    {
        var resampler = new StreamingResampler(24000, 8000);
        var frame = Signal.Noise(480, seed: 3);
        var buffer = new short[200];
        resampler.Process(frame, buffer, final: false);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            resampler.Process(frame, buffer, final: false);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Process_20msFrame_AllocatesOnlyWhatItReturns()
    {
        var frame = Signal.ToBytes(Signal.Noise(480, seed: 5));
        var state = PcmResampler.Process(frame, 24000, 8000, null, final: false).State;
        state = PcmResampler.Process(frame, 24000, 8000, state, final: false).State;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var chunk = PcmResampler.Process(frame, 24000, 8000, state, final: false);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The output and history arrays, the state and the chunk records (object headers included); scratch is pooled.
        var returned = chunk.Pcm.Length + (2 * chunk.State.History.Length) + 256;
        output.WriteLine($"allocated {allocated} bytes; output {chunk.Pcm.Length} B, history {chunk.State.History.Length} samples");
        Assert.InRange(allocated, 0, returned);
    }
}
