using Voicebot.Abstractions.Audio;

namespace Voicebot.Audio.Resampling;

/// <summary>
/// Resamples one stream in place, chunk by chunk, on spans. Keeps its filter memory in a reusable buffer, so it does not
/// allocate once the buffer has grown to the largest chunk. Not thread-safe: one instance per stream.
/// </summary>
/// <remarks>Gives exactly the same samples as <see cref="PcmResampler.Process(ReadOnlySpan{byte}, int, int, ResamplerState?, bool)"/>, whatever the chunking.</remarks>
public sealed class StreamingResampler
{
    private readonly ResamplerKernel? _kernel;
    private readonly bool _fastPath;
    private float[] _buffer;
    private int _buffered;
    private long _position;

    /// <summary>Starts a new stream.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or the ratio exceeds <see cref="ResamplerKernel.MaxRatio"/>.</exception>
    public StreamingResampler(int fromRate, int toRate)
        : this(fromRate, toRate, fastPath: true)
    {
    }

    /// <summary>Starts a new stream; <paramref name="fastPath"/> off runs integer decimations on the general polyphase loop (to compare the two).</summary>
    internal StreamingResampler(int fromRate, int toRate, bool fastPath)
    {
        _fastPath = fastPath;
        FromRate = fromRate;
        ToRate = toRate;
        _kernel = fromRate == toRate ? null : ResamplerKernel.Get(fromRate, toRate);
        _buffer = new float[Math.Max(1024, 2 * (_kernel?.TapsPerPhase ?? 0))];
        _buffered = _kernel?.InitialHistoryLength ?? 0;
        _position = _kernel?.InitialPosition ?? 0;
    }

    /// <summary>Resumes a stream from the state a previous chunk returned.</summary>
    public StreamingResampler(ResamplerState state)
        : this(Validate(state).FromRate, state.ToRate)
    {
        EnsureCapacity(state.History.Length);
        for (var i = 0; i < state.History.Length; i++)
        {
            _buffer[i] = state.History[i];
        }

        if (_kernel is null ? state.History.Length != 0 || state.Position != 0 : state.Position / _kernel.Phases < _kernel.HalfLength - 1)
        {
            throw new ArgumentException("The state was not produced by this resampler.", nameof(state));
        }

        _buffered = state.History.Length;
        _position = state.Position;
        InputSamples = state.InputSamples;
        OutputSamples = state.OutputSamples;
    }

    /// <summary>Input rate, Hz.</summary>
    public int FromRate { get; }

    /// <summary>Output rate, Hz.</summary>
    public int ToRate { get; }

    /// <summary>Input samples consumed so far.</summary>
    public long InputSamples { get; private set; }

    /// <summary>Output samples produced so far.</summary>
    public long OutputSamples { get; private set; }

    /// <summary>Exactly how many samples <see cref="Process"/> will write for <paramref name="inputSamples"/> more input.</summary>
    public int GetOutputSampleCount(int inputSamples, bool final)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputSamples);
        return _kernel is null ? inputSamples : (int)_kernel.CountOutputs(_position, (long)_buffered + inputSamples, final);
    }

    /// <summary>
    /// Resamples <paramref name="input"/> into <paramref name="output"/> and returns the number of samples written. The
    /// filter holds back about <see cref="ResamplerKernel.HalfLength"/> input samples until more input arrives, or until
    /// <paramref name="final"/> flushes them (padding the end with silence).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than <see cref="GetOutputSampleCount"/>.</exception>
    public int Process(ReadOnlySpan<short> input, Span<short> output, bool final)
    {
        var needed = GetOutputSampleCount(input.Length, final);
        if (output.Length < needed)
        {
            throw new ArgumentException($"The output needs room for {needed} samples; it has {output.Length}.", nameof(output));
        }

        InputSamples += input.Length;
        if (_kernel is null)
        {
            input.CopyTo(output);
            OutputSamples += input.Length;
            return input.Length;
        }

        var end = _buffered + input.Length;
        EnsureCapacity(end + _kernel.HalfLength);
        var buffer = _buffer.AsSpan();
        PcmConversion.ToSingle(input, buffer[_buffered..]);
        if (final)
        {
            buffer.Slice(end, _kernel.HalfLength).Clear();
        }

        var written = _kernel.Run(buffer, end, ref _position, final, output, _fastPath);
        var keepFrom = _kernel.FirstNeeded(_position, end);
        buffer[keepFrom..end].CopyTo(buffer);
        _buffered = end - keepFrom;
        _position -= (long)keepFrom * _kernel.Phases;
        OutputSamples += written;
        return written;
    }

    /// <summary>The state to carry to another resampler (or another activation) for the next chunk.</summary>
    public ResamplerState ToState()
    {
        var history = new short[_buffered];
        for (var i = 0; i < history.Length; i++)
        {
            history[i] = (short)_buffer[i];
        }

        return new ResamplerState(FromRate, ToRate, history, _position, InputSamples, OutputSamples);
    }

    private static ResamplerState Validate(ResamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.History, nameof(state));
        ArgumentOutOfRangeException.ThrowIfNegative(state.Position, nameof(state));
        return state;
    }

    private void EnsureCapacity(int length)
    {
        if (_buffer.Length < length)
        {
            Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
        }
    }
}
