using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Voicebot.Abstractions.Audio;

namespace Voicebot.Audio.Resampling;

/// <summary>
/// Streaming sample-rate conversion of signed 16-bit mono PCM: a windowed-sinc polyphase filter
/// (<see cref="ResamplerKernel"/>) for any rational ratio up to <see cref="ResamplerKernel.MaxRatio"/>.
/// Stateless and thread-safe: the caller carries the <see cref="ResamplerState"/> from one chunk to the next.
/// </summary>
/// <remarks>
/// Chunking never changes the result: a stream resampled in chunks of any size gives exactly the samples of the same
/// stream resampled in one call. The output of a whole stream (ending with <c>final: true</c>) has
/// ⌈input × toRate / fromRate⌉ samples, aligned on the input (no delay).
/// </remarks>
public static class PcmResampler
{
    /// <summary>Resamples one chunk of a stream.</summary>
    /// <param name="pcm16le">Signed 16-bit little-endian mono PCM at <paramref name="fromRate"/>; an even number of bytes.</param>
    /// <param name="fromRate">Input rate, Hz.</param>
    /// <param name="toRate">Output rate, Hz.</param>
    /// <param name="state">What the previous chunk returned; <see langword="null"/> for the first chunk.</param>
    /// <param name="final">The last chunk: also flush the samples the filter still holds back.</param>
    /// <returns>The PCM at <paramref name="toRate"/> (possibly empty) and the state for the next chunk.</returns>
    /// <exception cref="ArgumentException">Odd byte count, or a <paramref name="state"/> from another stream or ratio.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or the ratio exceeds <see cref="ResamplerKernel.MaxRatio"/>.</exception>
    public static ResampledChunk Process(ReadOnlySpan<byte> pcm16le, int fromRate, int toRate, ResamplerState? state, bool final) =>
        Process(pcm16le, fromRate, toRate, state, final, fastPath: true);

    /// <summary>Resamples one chunk of a stream; <paramref name="fastPath"/> off runs integer decimations on the general polyphase loop (to compare the two).</summary>
    internal static ResampledChunk Process(ReadOnlySpan<byte> pcm16le, int fromRate, int toRate, ResamplerState? state, bool final, bool fastPath)
    {
        if ((pcm16le.Length & 1) != 0)
        {
            throw new ArgumentException($"16-bit PCM needs an even number of bytes; got {pcm16le.Length}.", nameof(pcm16le));
        }

        var inputSamples = pcm16le.Length / 2;
        if (fromRate == toRate)
        {
            ResamplerKernel.Reduce(fromRate, toRate);
            CheckState(state, fromRate, toRate, null);
            return new ResampledChunk(
                pcm16le.ToArray(),
                new ResamplerState(
                    fromRate,
                    toRate,
                    [],
                    0,
                    (state?.InputSamples ?? 0) + inputSamples,
                    (state?.OutputSamples ?? 0) + inputSamples));
        }

        var kernel = ResamplerKernel.Get(fromRate, toRate);
        CheckState(state, fromRate, toRate, kernel);
        ReadOnlySpan<short> history = state is null ? default : state.History;
        var historyLength = state is null ? kernel.InitialHistoryLength : history.Length;
        var position = state?.Position ?? kernel.InitialPosition;
        var end = historyLength + inputSamples;
        var count = (int)kernel.CountOutputs(position, end, final);

        var rented = ArrayPool<float>.Shared.Rent(end + kernel.HalfLength);
        var decoded = BitConverter.IsLittleEndian ? null : ArrayPool<short>.Shared.Rent(inputSamples);
        try
        {
            // The input as samples: on a little-endian machine, the bytes themselves.
            ReadOnlySpan<short> input = decoded is null ? MemoryMarshal.Cast<byte, short>(pcm16le) : Decode(pcm16le, decoded);
            var buffer = rented.AsSpan(0, end + kernel.HalfLength);
            if (state is null)
            {
                buffer[..historyLength].Clear();
            }
            else
            {
                PcmConversion.ToSingle(history, buffer);
            }

            PcmConversion.ToSingle(input, buffer[historyLength..]);
            buffer[end..].Clear();

            var output = new byte[count * 2];
            var samples = MemoryMarshal.Cast<byte, short>(output.AsSpan());
            var written = kernel.Run(buffer, end, ref position, final, samples, fastPath);
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(samples, samples);
            }

            // The next history is the tail of (history, input), copied as samples. A first chunk's history is silence.
            var keepFrom = kernel.FirstNeeded(position, end);
            var nextHistory = new short[end - keepFrom];
            var fromHistory = Math.Max(0, historyLength - keepFrom);
            if (state is not null && fromHistory > 0)
            {
                history.Slice(keepFrom, fromHistory).CopyTo(nextHistory);
            }

            input[(keepFrom + fromHistory - historyLength)..].CopyTo(nextHistory.AsSpan(fromHistory));

            var next = new ResamplerState(
                fromRate,
                toRate,
                nextHistory,
                position - ((long)keepFrom * kernel.Phases),
                (state?.InputSamples ?? 0) + inputSamples,
                (state?.OutputSamples ?? 0) + written);
            return new ResampledChunk(output, next);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
            if (decoded is not null)
            {
                ArrayPool<short>.Shared.Return(decoded);
            }
        }
    }

    /// <summary>Resamples one chunk of a stream, as the <see cref="IResampleGrain"/> contract describes it.</summary>
    public static ResampledChunk Process(ResampleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Process(request.Pcm, request.FromRate, request.ToRate, request.State, request.Final);
    }

    /// <summary>Resamples a whole clip of signed 16-bit little-endian mono PCM.</summary>
    public static byte[] Resample(ReadOnlySpan<byte> pcm16le, int fromRate, int toRate) =>
        Process(pcm16le, fromRate, toRate, null, final: true).Pcm;

    /// <summary>Resamples a whole clip of 16-bit samples.</summary>
    public static short[] Resample(ReadOnlySpan<short> samples, int fromRate, int toRate)
    {
        var resampler = new StreamingResampler(fromRate, toRate);
        var output = new short[resampler.GetOutputSampleCount(samples.Length, final: true)];
        resampler.Process(samples, output, final: true);
        return output;
    }

    /// <summary>Exactly how many samples <see cref="Process(ReadOnlySpan{byte}, int, int, ResamplerState?, bool)"/> returns for <paramref name="inputSamples"/> more samples.</summary>
    public static int GetOutputSampleCount(ResamplerState? state, int fromRate, int toRate, int inputSamples, bool final)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputSamples);
        if (fromRate == toRate)
        {
            return inputSamples;
        }

        var kernel = ResamplerKernel.Get(fromRate, toRate);
        CheckState(state, fromRate, toRate, kernel);
        var historyLength = state?.History.Length ?? kernel.InitialHistoryLength;
        var position = state?.Position ?? kernel.InitialPosition;
        return (int)kernel.CountOutputs(position, (long)historyLength + inputSamples, final);
    }

    /// <summary>The state of a stream that has not started yet (equivalent to passing <see langword="null"/>).</summary>
    public static ResamplerState CreateState(int fromRate, int toRate) => new StreamingResampler(fromRate, toRate).ToState();

    private static ReadOnlySpan<short> Decode(ReadOnlySpan<byte> pcm16le, short[] samples)
    {
        var decoded = samples.AsSpan(0, pcm16le.Length / 2);
        for (var i = 0; i < decoded.Length; i++)
        {
            decoded[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm16le.Slice(2 * i, 2));
        }

        return decoded;
    }

    private static void CheckState(ResamplerState? state, int fromRate, int toRate, ResamplerKernel? kernel)
    {
        if (state is null)
        {
            return;
        }

        if (state.FromRate != fromRate || state.ToRate != toRate)
        {
            throw new ArgumentException(
                $"The state is for {state.FromRate} Hz to {state.ToRate} Hz, not {fromRate} Hz to {toRate} Hz.", nameof(state));
        }

        var valid = state.History is not null && state.Position >= 0 && (kernel is null
            ? state.History.Length == 0 && state.Position == 0
            : state.Position / kernel.Phases >= kernel.HalfLength - 1);
        if (!valid)
        {
            throw new ArgumentException("The state was not produced by this resampler.", nameof(state));
        }
    }
}
