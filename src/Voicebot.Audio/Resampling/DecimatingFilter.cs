using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Voicebot.Audio.Resampling;

/// <summary>
/// The integer-decimation case of <see cref="ResamplerKernel"/> (24 → 8 kHz is 3:1, 16 → 8 kHz is 2:1): the same low-pass
/// taps, computed as a polyphase decimator vectorized across outputs. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The input is split into its M interleaved sub-streams (every M-th sample) and the taps into the matching M
/// sub-filters, so that the inputs of consecutive outputs for one tap are contiguous. A vector of outputs is then a
/// chain of multiply-adds of sub-stream vectors by a broadcast tap: no horizontal sums, and each tap is loaded once for
/// a whole block of outputs. Every lane runs the same chain of fused multiply-adds in the same order, whatever block
/// (or vector width) it is computed in, so the samples never depend on the chunking.
/// </remarks>
internal sealed class DecimatingFilter
{
    // Vectors computed together: eight independent accumulators hide the multiply-add latency (4 cycles, 2 per cycle).
    private const int Block = 8;

    private readonly float[] _taps;
    private readonly int[] _starts;

    /// <summary>Splits <paramref name="taps"/> (output n filters input n·M + j with tap j) into its sub-filters.</summary>
    public DecimatingFilter(ReadOnlySpan<float> taps, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        Factor = factor;
        TapCount = taps.Length;
        _taps = new float[taps.Length];
        _starts = new int[factor + 1];
        var k = 0;
        for (var p = 0; p < factor; p++)
        {
            _starts[p] = k;
            for (var j = p; j < taps.Length; j += factor)
            {
                _taps[k++] = taps[j];
            }
        }

        _starts[factor] = k;
        SubFilterLength = (taps.Length + factor - 1) / factor;
    }

    /// <summary>The decimation factor M.</summary>
    public int Factor { get; }

    /// <summary>Input samples each output filters.</summary>
    public int TapCount { get; }

    // Taps of the longest sub-filter (sub-stream 0).
    private int SubFilterLength { get; }

    /// <summary>
    /// Writes <paramref name="output"/>.Length outputs; output n filters <paramref name="input"/>[n·M .. n·M + <see cref="TapCount"/>),
    /// with silence past the end of <paramref name="input"/>.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, Span<short> output)
    {
        if (output.IsEmpty)
        {
            return;
        }

        // Whole blocks only, even for the last few outputs: a block costs little more than one vector's chain of
        // dependent multiply-adds, and one code path means one order of operations for every lane.
        var blockLength = Block * Vector<float>.Count;
        var padded = (output.Length + blockLength - 1) / blockLength * blockLength;

        // Sub-stream p holds input p, p+M, p+2M, …: long enough for the last (padded) lane's last tap.
        var streamLength = padded + SubFilterLength - 1;
        var scratch = ArrayPool<float>.Shared.Rent((Factor * streamLength) + padded);
        try
        {
            var streams = scratch.AsSpan(0, Factor * streamLength);
            Split(input, streams, streamLength);
            var sums = scratch.AsSpan(Factor * streamLength, padded);
            ref var stream0 = ref MemoryMarshal.GetReference(streams);
            ref var sum0 = ref MemoryMarshal.GetReference(sums);
            for (var n = 0; n < padded; n += blockLength)
            {
                FilterBlock(ref Unsafe.Add(ref stream0, n), streamLength, ref Unsafe.Add(ref sum0, n));
            }

            PcmConversion.ToPcm16(sums[..output.Length], output);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private void Split(ReadOnlySpan<float> input, Span<float> streams, int streamLength)
    {
        for (var p = 0; p < Factor; p++)
        {
            var stream = streams.Slice(p * streamLength, streamLength);
            var m = 0;
            for (var i = p; m < stream.Length && i < input.Length; i += Factor)
            {
                stream[m++] = input[i];
            }

            stream[m..].Clear();
        }
    }

    // Lanes 0 .. Block·width from x (the split streams, moved to this block's first output), into sums.
    private void FilterBlock(ref float x, int streamLength, ref float sums)
    {
        var width = Vector<float>.Count;
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (var p = 0; p < Factor; p++)
        {
            ref var stream = ref Unsafe.Add(ref x, p * streamLength);
            for (int k = _starts[p], q = 0; k < _starts[p + 1]; k++, q++)
            {
                var tap = new Vector<float>(_taps[k]);
                ref var xq = ref Unsafe.Add(ref stream, q);
                s0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq), tap, s0);
                s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)width), tap, s1);
                s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(2 * width)), tap, s2);
                s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(3 * width)), tap, s3);
                s4 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(4 * width)), tap, s4);
                s5 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(5 * width)), tap, s5);
                s6 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(6 * width)), tap, s6);
                s7 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref xq, (nuint)(7 * width)), tap, s7);
            }
        }

        s0.StoreUnsafe(ref sums);
        s1.StoreUnsafe(ref sums, (nuint)width);
        s2.StoreUnsafe(ref sums, (nuint)(2 * width));
        s3.StoreUnsafe(ref sums, (nuint)(3 * width));
        s4.StoreUnsafe(ref sums, (nuint)(4 * width));
        s5.StoreUnsafe(ref sums, (nuint)(5 * width));
        s6.StoreUnsafe(ref sums, (nuint)(6 * width));
        s7.StoreUnsafe(ref sums, (nuint)(7 * width));
    }
}
