namespace Voicebot.Bench.Micro.Candidates;

/// <summary>16-bit PCM to and from NAudio's float samples (full scale ±1), as a caller of NAudio has to convert.</summary>
internal static class FloatPcm
{
    private const float Scale = 32768f;

    public static void ToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = source[i] / Scale;
        }
    }

    public static void ToPcm(ReadOnlySpan<float> source, Span<short> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (short)MathF.Round(Math.Clamp(source[i] * Scale, short.MinValue, short.MaxValue));
        }
    }
}
