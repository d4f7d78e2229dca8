using Voicebot.Audio.Resampling;

namespace Voicebot.Audio.Tests.Resampling;

public sealed class ResamplerKernelTests
{
    [Theory]
    [InlineData(22050, 8000, 441, 160)]
    [InlineData(24000, 8000, 3, 1)]
    [InlineData(44100, 8000, 441, 80)]
    [InlineData(8000, 16000, 1, 2)]
    [InlineData(22050, 16000, 441, 320)]
    public void Reduce_Rates_DividesByTheGcd(int fromRate, int toRate, int step, int phases)
    {
        var reduced = ResamplerKernel.Reduce(fromRate, toRate);

        Assert.Equal((step, phases), reduced);
    }

    [Fact]
    public void Get_SameReducedRatio_ReturnsTheCachedKernel()
    {
        var first = ResamplerKernel.Get(16000, 8000);

        var second = ResamplerKernel.Get(32000, 16000);

        Assert.Same(first, second);
    }

    [Fact]
    public void Get_ConcurrentCallers_ShareOneKernel()
    {
        var kernels = new ResamplerKernel[8];

        Parallel.For(0, kernels.Length, i => kernels[i] = ResamplerKernel.Get(44100, 16000));

        Assert.All(kernels, kernel => Assert.Same(kernels[0], kernel));
    }
}
