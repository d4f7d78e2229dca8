using Voicebot.Providers.OpenAI.Speech;

namespace Voicebot.Providers.OpenAI.Tests.Speech;

public sealed class PcmChunkReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4800)]
    public async Task ReadAsync_AnySegmentation_YieldsEvenChunksThatAddUpToTheBody(int segment)
    {
        var body = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var reader = new PcmChunkReader(new SegmentedStream(body, segment), bufferSize: 64);

        var chunks = new List<byte[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken) is { } chunk)
        {
            chunks.Add(chunk);
        }

        Assert.All(chunks, chunk => Assert.True(chunk.Length > 0 && chunk.Length % 2 == 0));
        Assert.Equal(body, chunks.SelectMany(c => c).ToArray());
        Assert.Equal(body.Length, reader.TotalBytes);
    }

    [Fact]
    public async Task ReadAsync_OddTotal_DropsTheHalfSample()
    {
        var reader = new PcmChunkReader(new SegmentedStream([1, 2, 3], 1));

        var first = await reader.ReadAsync(TestContext.Current.CancellationToken);
        var end = await reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal([1, 2], first);
        Assert.Null(end);
    }

    /// <summary>Returns at most <c>segment</c> bytes per read, like a network stream.</summary>
    private sealed class SegmentedStream(byte[] data, int segment) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, segment)], cancellationToken);
    }
}
