namespace Voicebot.Audio.Tests;

public sealed class WavFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("voicebot-wav-").FullName;

    [Fact]
    public void Write_ThenRead_RoundTripsSamplesAndRate()
    {
        var pcm = Signal.ToBytes(Signal.Tone(440, 22050, 2205, 12000));
        var path = Path.Combine(_directory, "tone.wav");

        WavFile.Write(path, pcm, 22050);
        var clip = WavFile.Read(path);

        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(pcm, clip.Pcm);
        Assert.Equal(TimeSpan.FromMilliseconds(100), clip.Duration);
        Assert.Equal(44 + pcm.Length, new FileInfo(path).Length);
    }

    [Fact]
    public async Task WriteAsync_NonSeekableStream_WritesACompleteFile()
    {
        var pcm = Signal.ToBytes(Signal.Tone(1000, 8000, 800, 8000));
        using var target = new MemoryStream();
        await using (var forwardOnly = new ForwardOnlyStream(target))
        {
            await WavFile.WriteAsync(forwardOnly, pcm, 8000, TestContext.Current.CancellationToken);
        }

        target.Position = 0;
        var clip = WavFile.Read(target);

        Assert.Equal(8000, clip.SampleRate);
        Assert.Equal(pcm, clip.Pcm);
    }

    [Fact]
    public void Read_StereoFile_ThrowsInvalidData()
    {
        var image = WavImages.Header(channels: 2, bits: 16, rate: 8000, dataSize: 8, riffSize: 44);
        using var stream = new MemoryStream([.. image, .. new byte[8]]);

        Assert.Throws<InvalidDataException>(() => WavFile.Read(stream));
    }

    [Fact]
    public async Task ReadTolerantAsync_PipeHeaderWithPlaceholderSizes_ReadsToTheEnd()
    {
        // espeak-ng --stdout to a pipe: RIFF size 0x7FFFF024, data size 0x7FFFF000.
        var pcm = Signal.ToBytes(Signal.Tone(200, 22050, 1000, 9000));
        var image = WavImages.Header(channels: 1, bits: 16, rate: 22050, dataSize: 0x7FFFF000, riffSize: 0x7FFFF024);
        using var stream = new ForwardOnlyStream(new MemoryStream([.. image, .. pcm]));

        var clip = await WavFile.ReadTolerantAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(22050, clip.SampleRate);
        Assert.Equal(pcm, clip.Pcm);
    }

    [Fact]
    public async Task WavStreamReader_OneByteAtATime_ReturnsWholeSamplesOnly()
    {
        var pcm = Signal.ToBytes(Signal.Tone(200, 8000, 50, 9000));
        byte[] list = [.. "LIST"u8, 4, 0, 0, 0, .. "INFO"u8];
        var header = WavImages.Header(channels: 1, bits: 16, rate: 8000, dataSize: uint.MaxValue, riffSize: uint.MaxValue);
        byte[] image = [.. header.AsSpan(0, 36), .. list, .. header.AsSpan(36), .. pcm, 0x7F];
        using var stream = new TrickleStream(image);
        var reader = await WavStreamReader.OpenAsync(stream, TestContext.Current.CancellationToken);
        var received = new List<byte>();
        var buffer = new byte[64];

        int read;
        while ((read = await reader.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            Assert.Equal(0, read % 2);
            received.AddRange(buffer.AsSpan(0, read));
        }

        Assert.True(reader.IsPcm16Mono);
        Assert.Equal(8000, reader.SampleRate);
        Assert.Equal(pcm, received);
    }

    [Fact]
    public async Task WavStreamReader_DeclaredSize_StopsAtTheDataChunkEnd()
    {
        var pcm = Signal.ToBytes(Signal.Tone(200, 8000, 50, 9000));
        var header = WavImages.Header(channels: 1, bits: 16, rate: 8000, dataSize: 40, riffSize: 36 + 40);
        using var stream = new MemoryStream([.. header, .. pcm]);
        var reader = await WavStreamReader.OpenAsync(stream, TestContext.Current.CancellationToken);

        var data = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);

        Assert.Equal(pcm.AsSpan(0, 40).ToArray(), data);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(30)]
    public async Task WavStreamReader_TruncatedHeader_ThrowsInvalidData(int length)
    {
        var header = WavImages.Header(channels: 1, bits: 16, rate: 8000, dataSize: 0, riffSize: 36);
        using var stream = new MemoryStream(header.AsSpan(0, length).ToArray());

        await Assert.ThrowsAsync<InvalidDataException>(async () => await WavStreamReader.OpenAsync(stream, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WavStreamReader_NotRiff_ThrowsInvalidData()
    {
        using var stream = new MemoryStream(new byte[64]);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await WavStreamReader.OpenAsync(stream, TestContext.Current.CancellationToken));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == data.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = data[_position++];
            return 1;
        }
    }
}
