using System.Runtime.InteropServices;
using Voicebot.Abstractions.Audio;
using Voicebot.Audio.Resampling;

namespace Voicebot.Grains.Tests.Audio;

[Collection(VoicebotCluster.Name)]
public sealed class ResampleGrainTests(VoicebotClusterFixture fixture)
{
    [Fact]
    public async Task ResampleAsync_StreamInChunksThroughThePool_EqualsResamplingItWhole()
    {
        var input = Tone(22050, 1000, TimeSpan.FromSeconds(1));
        var pool = fixture.Cluster.Client.GetGrain<IResampleGrain>(0);
        var output = new List<byte>();
        ResamplerState? state = null;

        foreach (var chunk in input.Chunk(2205 * 2))
        {
            var result = await pool.ResampleAsync(new ResampleRequest(chunk, 22050, 8000, state, Final: false));
            state = result.State;
            output.AddRange(result.Pcm);
        }

        output.AddRange((await pool.ResampleAsync(new ResampleRequest([], 22050, 8000, state, Final: true))).Pcm);
        Assert.Equal(PcmResampler.Resample(input, 22050, 8000), output.ToArray());
        Assert.InRange(output.Count / 2, 7990, 8010);
    }

    private static byte[] Tone(int rate, double frequency, TimeSpan duration)
    {
        var samples = new short[(int)(rate * duration.TotalSeconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(10000 * Math.Sin(2 * Math.PI * frequency * i / rate));
        }

        return MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }
}
