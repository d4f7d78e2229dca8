using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Voicebot.Bench.Micro;

// `--quality` prints the frequency-response table; anything else goes to BenchmarkDotNet (e.g. `--filter * --job short`).
if (Array.IndexOf(args, "--quality") >= 0)
{
    ResamplerQuality.Print(Console.Out);
    return 0;
}

// Under artifacts/ (ignored by git) rather than BenchmarkDotNet's default folder in the current directory.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine("artifacts", "bench-micro"));
BenchmarkSwitcher.FromAssembly(typeof(ResamplerBenchmarks).Assembly).Run(args, config);
return 0;
