using Voicebot.Recordings.Maintenance;
using Voicebot.Testing.Paths;

namespace Voicebot.Recordings.Tests.Maintenance;

public sealed class RecordingRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = RepositoryPaths.NewTemporaryDirectory("voicebot-retention");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Expired_ByTheDateInTheName_WavAndMp3OlderThanRetention()
    {
        var old = Touch("2026-08-25/20260825-115959_a.wav");
        var oldArchive = Touch("2026-08-20/20260820-080000_b.mp3");
        Touch("2026-08-26/20260826-120001_c.wav");
        Touch("2026-11-24/20261124-110000_d.mp3");

        var expired = RecordingRetention.Expired(_root, 91, Now);

        Assert.Equal([oldArchive, old], expired);
    }

    [Fact]
    public void Expired_RetentionZero_KeepsEverything()
    {
        Touch("2000-01-01/20000101-000000_a.wav");

        Assert.Empty(RecordingRetention.Expired(_root, 0, Now));
    }

    [Fact]
    public void Delete_RemovesTheFilesAndTheEmptyDayFolders()
    {
        var old = Touch("2026-01-01/20260101-000000_a.wav");
        var kept = Touch("2026-11-24/20261124-110000_d.wav");

        RecordingRetention.Delete(RecordingRetention.Expired(_root, 30, Now), _root);

        Assert.False(File.Exists(old));
        Assert.False(Directory.Exists(Path.GetDirectoryName(old)));
        Assert.True(File.Exists(kept));
    }

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
        return path;
    }
}
