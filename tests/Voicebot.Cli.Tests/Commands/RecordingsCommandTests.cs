using System.Buffers.Binary;
using Spectre.Console;
using Voicebot.Cli.Commands;
using Voicebot.Recordings.Files;
using Voicebot.Testing.Consoles;

namespace Voicebot.Cli.Tests.Commands;

/// <summary><c>voicebot recordings repair|archive</c> on a temporary recordings directory, with the real LAME.</summary>
public sealed class RecordingsCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"voicebot-recordings-cli-{Guid.NewGuid():N}");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public RecordingsCommandTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Repair_CrashedFile_ReportsItFixed()
    {
        var path = WriteRecording("2026-11-24/20261124-100000_a.wav", claimedFrames: 100, frames: 8000);
        var (console, output) = TestConsole();

        var exit = await RecordingsCommand.RepairAsync([], _root, TimeSpan.Zero, console, TimeProvider.System, _ct);

        Assert.Equal(0, exit);
        Assert.Contains("repaired 2026-11-24/20261124-100000_a.wav: header claimed 400 bytes, file holds 32000 (1.00 s)", output.ToString(), StringComparison.Ordinal);
        Assert.True(WavHeader.TryParse(await File.ReadAllBytesAsync(path, _ct), out var header));
        Assert.Equal(32000, header.DataBytes);
    }

    [Fact]
    public async Task Archive_DryRun_ListsWhatRetentionWouldDeleteAndChangesNothing()
    {
        var old = WriteRecording("2020-01-01/20200101-100000_old.wav", 8000, 8000);
        var recent = WriteRecording("2026-11-24/20261124-100000_new.wav", 8000, 8000);
        var (console, output) = TestConsole();

        var exit = await RecordingsCommand.ArchiveAsync([], Request(dryRun: true), console, TimeProvider.System, _ct);

        Assert.Equal(0, exit);
        Assert.Contains("would delete 2020-01-01/20200101-100000_old.wav (older than 90 days)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 recording(s)", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(old));
        Assert.True(File.Exists(recent));
        Assert.Empty(Directory.GetFiles(_root, "*.mp3", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Archive_DeleteOriginals_AppliesRetentionThenArchivesAndVerifies()
    {
        var old = WriteRecording("2020-01-01/20200101-100000_old.wav", 8000, 8000);
        var recent = WriteRecording("2026-11-24/20261124-100000_new.wav", 8000, 8000);
        var (console, output) = TestConsole();

        var exit = await RecordingsCommand.ArchiveAsync([], Request(deleteOriginals: true), console, TimeProvider.System, _ct);

        Assert.Equal(0, exit);
        Assert.False(File.Exists(old));
        Assert.False(Directory.Exists(Path.GetDirectoryName(old)));
        Assert.False(File.Exists(recent));
        Assert.True(File.Exists(Path.ChangeExtension(recent, ".mp3")));
        Assert.Contains("archived, verified, original deleted", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 archived, 0 failed, 1 deleted by retention (90 days)", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_LameMissing_SaysHowToInstallIt()
    {
        WriteRecording("2026-11-24/20261124-100000_a.wav", 8000, 8000);
        var (console, output) = TestConsole();

        var exit = await RecordingsCommand.ArchiveAsync(["--Recordings:Archive:Encoder=/nonexistent/lame"], Request(), console, TimeProvider.System, _ct);

        Assert.Equal(2, exit);
        Assert.Contains("apt-get install lame", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_InvalidConfiguration_Fails()
    {
        var (console, output) = TestConsole();

        var exit = await RecordingsCommand.ArchiveAsync(["--Recordings:Archive:Format=ogg"], Request(), console, TimeProvider.System, _ct);

        Assert.Equal(1, exit);
        Assert.Contains("Recordings:Archive:Format must be mp3", output.ToString(), StringComparison.Ordinal);
    }

    private ArchiveRequest Request(bool dryRun = false, bool deleteOriginals = false) =>
        new(_root, deleteOriginals, dryRun, BitrateKbps: null, Parallelism: 2, MinimumAge: TimeSpan.Zero);

    private string WriteRecording(string relative, int claimedFrames, int frames)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[44 + (frames * 4)];
        WavHeader.WriteCanonical(bytes, 2, 8000, 16, claimedFrames * 4);
        for (var i = 0; i < frames; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(44 + (i * 4)), (short)(4000 * Math.Sin(i * 0.3)));
        }

        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static (IAnsiConsole Console, StringWriter Output) TestConsole() => TestConsoles.Create();
}
