namespace Voicebot.Bench.Streams;

/// <summary>Stream provider and namespace of the benchmark, apart from the product's (<c>voicebot</c> / <c>call-media</c>).</summary>
public static class BenchStreams
{
    public const string Provider = "bench";

    public const string Media = "bench-media";
}
