using System.Globalization;
using Voicebot.Bench.Micro.Candidates;

namespace Voicebot.Bench.Micro;

/// <summary>
/// The quality table: pass-band error, rejection of tones that would alias into the telephone band, and the SNR of a
/// clean tone, for each resampler, fed the way the product feeds it (20 ms chunks).
/// </summary>
internal static class ResamplerQuality
{
    private const int ToRate = 8000;
    private const int ChunkMs = 20;
    private const double Amplitude = 16384;   // -6 dBFS

    private static readonly double[] Passband = [300, 1000, 3000];
    private static readonly double[] Stopband = [4500, 6000, 9000];

    public static void Print(TextWriter writer)
    {
        Candidate[] candidates =
        [
            new PcmResamplerCandidate(fastPath: true),
            new PcmResamplerCandidate(fastPath: false),
            new WdlProviderCandidate(),
            new WdlSincCandidate(),
        ];
        writer.WriteLine("Resampler quality: tones of 2 s at -6 dBFS, fed in 20 ms chunks, measured on the middle 80 % of the 8 kHz output.");
        writer.WriteLine("Pass band: gain error, dB (0 is perfect). Stop band: attenuation of the whole output, dB (higher is better; 9 kHz needs a 24 kHz input).");
        writer.WriteLine();
        writer.WriteLine("| Resampler | Ratio | 300 Hz | 1 kHz | 3 kHz | 4.5 kHz | 6 kHz | 9 kHz | SNR 1 kHz |");
        writer.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var fromRate in new[] { 24000, 16000 })
        {
            foreach (var candidate in candidates)
            {
                var cells = new List<string> { candidate.Name, $"{fromRate / 1000} → 8 kHz" };
                foreach (var frequency in Passband)
                {
                    var output = Resample(candidate, TestSignals.Tone(frequency, fromRate, 2 * fromRate, Amplitude), fromRate);
                    var gainDb = TestSignals.Db(TestSignals.Amplitude(TestSignals.Middle(output), frequency, ToRate) / Amplitude);
                    cells.Add(Format(Math.Round(gainDb, 3) + 0.0, "+0.000;-0.000;0.000"));
                }

                foreach (var frequency in Stopband)
                {
                    if (frequency >= fromRate / 2.0)
                    {
                        cells.Add("n/a");
                        continue;
                    }

                    var input = TestSignals.Tone(frequency, fromRate, 2 * fromRate, Amplitude);
                    var output = TestSignals.Rms(TestSignals.Middle(Resample(candidate, input, fromRate)));

                    // A silent 16-bit output only says that every sample rounded to 0, i.e. an RMS below half a step.
                    cells.Add(output == 0
                        ? "> " + Format(-TestSignals.Db(0.5 / TestSignals.Rms(input)), "0.0") + " (silent)"
                        : Format(-TestSignals.Db(output / TestSignals.Rms(input)), "0.0"));
                }

                var tone = Resample(candidate, TestSignals.Tone(1000, fromRate, 2 * fromRate, Amplitude), fromRate);
                cells.Add(Format(TestSignals.SnrDb(TestSignals.Middle(tone), 1000, ToRate), "0.0") + " dB");
                writer.WriteLine("| " + string.Join(" | ", cells) + " |");
            }
        }
    }

    private static short[] Resample(Candidate candidate, short[] input, int fromRate)
    {
        var output = new short[Candidate.OutputCapacity(input.Length, fromRate, ToRate)];
        var written = candidate.Run(input, fromRate, ToRate, fromRate * ChunkMs / 1000, output);
        return output[..written];
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
