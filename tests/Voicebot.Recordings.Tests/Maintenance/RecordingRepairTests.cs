using System.Buffers.Binary;
using NAudio.Wave;
using Voicebot.Recordings.Files;
using Voicebot.Recordings.Maintenance;
using Voicebot.Recordings.Tests.Support;
using Voicebot.Testing.Paths;

namespace Voicebot.Recordings.Tests.Maintenance;

public sealed class RecordingRepairTests : IDisposable
{
    private readonly string _root = RepositoryPaths.NewTemporaryDirectory("voicebot-repair");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Repair_HeaderBehindTheData_TakesTheSizesFromTheFileLength()
    {
        // As a kill -9 leaves it: the header last updated at 1 s, 1.5 s of samples on disk.
        var path = WriteRecording("crashed.wav", claimedFrames: 8000, frames: 12000);

        var result = await RecordingRepair.RepairAsync(path, _ct);

        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.Equal(8000 * 4, result.ClaimedDataBytes);
        Assert.Equal(12000 * 4, result.DataBytes);
        Assert.Equal(1.5, result.Seconds, 3);
        var file = StereoRecording.Read(path);
        file.AssertConsistent(8000);
        Assert.Equal(file.FileLength - 44, file.Header.DataBytes);
        Assert.Equal(11999, file.Left.Length - 1);
        Assert.Equal((short)11999, file.Left[11999]);
    }

    [Fact]
    public async Task Repair_GarbageSizesAndAPartialSampleFrame_DropsThePartialFrame()
    {
        var path = WriteRecording("garbage.wav", claimedFrames: 0, frames: 100);
        await using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Position = 4;
            stream.Write([0xFF, 0xFF, 0xFF, 0xFF]);
            stream.Position = 40;
            stream.Write([0xFF, 0xFF, 0xFF, 0x7F]);
            stream.Seek(0, SeekOrigin.End);
            stream.Write([1, 2, 3]);   // a write cut short mid sample frame
        }

        var result = await RecordingRepair.RepairAsync(path, _ct);

        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.Equal(3, result.DroppedBytes);
        Assert.Equal(44 + 400, new FileInfo(path).Length);
        StereoRecording.Read(path).AssertConsistent(8000);
    }

    [Fact]
    public async Task Repair_RiffSizeNeverWritten_FindsTheDataThatNAudioCannotReach()
    {
        // A writer killed before it ever patched its header leaves RIFF and data sizes of 0. NAudio's WaveFileReader
        // stops its chunk walk at the RIFF size the header claims, so it finds no chunk at all; the repair walks the
        // chunks themselves (RiffWaveHeaderReader).
        var path = WriteRecording("never-patched.wav", claimedFrames: 0, frames: 100);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(file, new byte[4], fileOffset: 4);
        }

        Assert.Throws<FormatException>(() => new WaveFileReader(path).Dispose());

        var result = await RecordingRepair.RepairAsync(path, _ct);

        Assert.Equal(RepairOutcome.Repaired, result.Outcome);
        Assert.Equal(400, result.DataBytes);
        using var repaired = new WaveFileReader(path);
        Assert.Equal(400, repaired.Length);
    }

    [Fact]
    public async Task Repair_ValidFile_IsLeftAlone()
    {
        var path = WriteRecording("valid.wav", claimedFrames: 50, frames: 50);
        var before = await File.ReadAllBytesAsync(path, _ct);

        var result = await RecordingRepair.RepairAsync(path, _ct);

        Assert.Equal(RepairOutcome.Valid, result.Outcome);
        Assert.Equal(before, await File.ReadAllBytesAsync(path, _ct));
    }

    [Fact]
    public async Task Repair_NotAWavFile_IsReportedAndLeftAlone()
    {
        var path = Path.Combine(_root, "noise.wav");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], _ct);

        var result = await RecordingRepair.RepairAsync(path, _ct);

        Assert.Equal(RepairOutcome.NotWav, result.Outcome);
        Assert.Equal(13, new FileInfo(path).Length);
    }

    [Fact]
    public async Task RepairAll_SkipsFilesWrittenJustNow()
    {
        WriteRecording("day/old.wav", claimedFrames: 0, frames: 10);
        File.SetLastWriteTimeUtc(Path.Combine(_root, "day/old.wav"), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-5));
        WriteRecording("day/live.wav", claimedFrames: 0, frames: 10);

        var results = await RecordingRepair.RepairAllAsync(_root, TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(1), _ct);

        Assert.Equal(
            [("live.wav", RepairOutcome.InUse), ("old.wav", RepairOutcome.Repaired)],
            results.Select(r => (Path.GetFileName(r.Path), r.Outcome)));
    }

    /// <summary>A stereo 8 kHz file whose header claims <paramref name="claimedFrames"/>; left sample i = i.</summary>
    private string WriteRecording(string name, int claimedFrames, int frames)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[44 + (frames * 4)];
        WavHeader.WriteCanonical(bytes, 2, 8000, 16, claimedFrames * 4);
        for (var i = 0; i < frames; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * 4)), (short)i);
        }

        File.WriteAllBytes(path, bytes);
        return path;
    }
}
