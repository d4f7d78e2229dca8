using System.Numerics;
using System.Runtime.InteropServices;

namespace Voicebot.Audio.Resampling;

/// <summary>16-bit samples to and from the filters' floats, vectorized. Both directions are exact for every sample.</summary>
internal static class PcmConversion
{
    /// <summary>Widens <paramref name="source"/> into the start of <paramref name="destination"/>.</summary>
    public static void ToSingle(ReadOnlySpan<short> source, Span<float> destination)
    {
        destination = destination[..source.Length];
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref from, (nuint)i), out var low, out var high);
                Vector.ConvertToSingle(low).StoreUnsafe(ref to, (nuint)i);
                Vector.ConvertToSingle(high).StoreUnsafe(ref to, (nuint)(i + Vector<int>.Count));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Rounds (half to even) and saturates <paramref name="source"/> into the start of <paramref name="destination"/>.</summary>
    public static void ToPcm16(ReadOnlySpan<float> source, Span<short> destination)
    {
        destination = destination[..source.Length];
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var min = new Vector<float>(short.MinValue);
            var max = new Vector<float>(short.MaxValue);
            ref var from = ref MemoryMarshal.GetReference(source);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i <= source.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                var low = Vector.ConvertToInt32(Vector.Round(Vector.Clamp(Vector.LoadUnsafe(ref from, (nuint)i), min, max)));
                var high = Vector.ConvertToInt32(Vector.Round(Vector.Clamp(Vector.LoadUnsafe(ref from, (nuint)(i + Vector<int>.Count)), min, max)));
                Vector.Narrow(low, high).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = ToPcm16(source[i]);
        }
    }

    /// <summary>One sample: the same rounding and saturation as the vector loop.</summary>
    public static short ToPcm16(float value) => (short)MathF.Round(Math.Clamp(value, short.MinValue, short.MaxValue));
}
