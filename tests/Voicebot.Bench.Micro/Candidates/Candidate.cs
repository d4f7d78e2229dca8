namespace Voicebot.Bench.Micro.Candidates;

/// <summary>One resampler under test, driven the way the product drives one: a whole stream of 16-bit mono PCM, in chunks.</summary>
public abstract class Candidate
{
    /// <summary>Row label in the tables.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Resamples <paramref name="input"/> as one new stream fed in chunks of <paramref name="chunkSamples"/> samples (the last
    /// one flushes), writes the 16-bit result to <paramref name="output"/> and returns the number of samples written.
    /// </summary>
    public abstract int Run(ReadOnlySpan<short> input, int fromRate, int toRate, int chunkSamples, Span<short> output);

    /// <summary>Room the output needs for <paramref name="inputSamples"/> input samples, with margin for filter delay.</summary>
    public static int OutputCapacity(int inputSamples, int fromRate, int toRate) =>
        (int)((long)inputSamples * toRate / fromRate) + 256;
}
