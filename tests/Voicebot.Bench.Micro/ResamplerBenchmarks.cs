using BenchmarkDotNet.Attributes;
using Voicebot.Bench.Micro.Candidates;

namespace Voicebot.Bench.Micro;

/// <summary>
/// One second of audio to 8 kHz, as one new stream per operation: in 20 ms chunks (how TTS audio arrives) or as one block.
/// Each resampler reads and writes 16-bit PCM, so NAudio's rows include its float conversions.
/// </summary>
/// <remarks>
/// Not sealed: BenchmarkDotNet generates a class deriving from it. The Min column is the steadiest figure on a shared machine.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
public class ResamplerBenchmarks
{
    private const int ToRate = 8000;

    private readonly PcmResamplerCandidate _pcmGeneral = new(fastPath: false);
    private readonly PcmResamplerCandidate _pcmDecimation = new(fastPath: true);
    private readonly StreamingResamplerCandidate _streamingGeneral = new(fastPath: false);
    private readonly StreamingResamplerCandidate _streamingDecimation = new(fastPath: true);
    private readonly WdlProviderCandidate _wdlProvider = new();
    private readonly WdlSincCandidate _wdlSinc = new();
    private short[] _input = [];
    private short[] _output = [];

    /// <summary>Input rate, Hz: OpenAI TTS (24 kHz, 3:1) and 16 kHz voices (2:1).</summary>
    [Params(24000, 16000)]
    public int FromRate { get; set; }

    /// <summary>Chunk length, ms; 1000 is the whole second in one call.</summary>
    [Params(20, 1000)]
    public int ChunkMs { get; set; }

    private int ChunkSamples => FromRate * ChunkMs / 1000;

    [GlobalSetup]
    public void Setup()
    {
        _input = TestSignals.Speechlike(FromRate, FromRate);
        _output = new short[Candidate.OutputCapacity(_input.Length, FromRate, ToRate)];
    }

    /// <summary>The grain's path before this change: bytes and state in, bytes and state out, one dot product per output.</summary>
    [Benchmark(Baseline = true)]
    public int PcmGeneral() => _pcmGeneral.Run(_input, FromRate, ToRate, ChunkSamples, _output);

    /// <summary>The grain's path now.</summary>
    [Benchmark]
    public int PcmDecimation() => _pcmDecimation.Run(_input, FromRate, ToRate, ChunkSamples, _output);

    [Benchmark]
    public int StreamingGeneral() => _streamingGeneral.Run(_input, FromRate, ToRate, ChunkSamples, _output);

    [Benchmark]
    public int StreamingDecimation() => _streamingDecimation.Run(_input, FromRate, ToRate, ChunkSamples, _output);

    [Benchmark]
    public int WdlProvider() => _wdlProvider.Run(_input, FromRate, ToRate, ChunkSamples, _output);

    [Benchmark]
    public int WdlSinc() => _wdlSinc.Run(_input, FromRate, ToRate, ChunkSamples, _output);
}
