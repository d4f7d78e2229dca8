using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Records.Spool;

/// <summary>
/// Records waiting on disk for the store: one JSON file each, named <c>{unix ms}-{call id}-{nonce}.json</c> so they
/// replay in the order they were spooled. A file is written under a <c>.tmp</c> name, flushed to disk and only then
/// renamed, so a crash never leaves a half-written <c>.json</c>; unreadable files are moved aside as <c>.corrupt</c>.
/// </summary>
public sealed class CallRecordSpool(string directory, TimeProvider time, RecordsMetrics metrics, ILogger<CallRecordSpool> logger)
{
    private const string PendingExtension = ".json";
    private const string TemporaryExtension = ".tmp";
    private const string CorruptExtension = ".corrupt";

    /// <summary>The spool directory (created on first write).</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Writes the record durably and returns its file.</summary>
    public async Task<string> WriteAsync(CallRecord record, CancellationToken cancellationToken = default)
    {
        var (temporary, final) = NewNames(record);
        var bytes = CallRecordJson.SerializeToUtf8(record);
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, final);
        return final;
    }

    /// <summary>The synchronous <see cref="WriteAsync"/>, for a record submitted after the writer stopped.</summary>
    public string Write(CallRecord record)
    {
        var (temporary, final) = NewNames(record);
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(CallRecordJson.SerializeToUtf8(record));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, final);
        return final;
    }

    /// <summary>The complete spool files, oldest first.</summary>
    public IReadOnlyList<string> PendingFiles()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var files = System.IO.Directory.GetFiles(Directory, "*" + PendingExtension);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// At start-up, before anything writes: a <c>.tmp</c> left by a crash is either complete (the crash fell between
    /// the flush and the rename: it is promoted) or torn (moved aside and reported). Returns the pending count.
    /// </summary>
    public int RecoverLeftovers()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        foreach (var temporary in System.IO.Directory.GetFiles(Directory, "*" + TemporaryExtension))
        {
            try
            {
                CallRecordJson.Deserialize(File.ReadAllBytes(temporary));
                File.Move(temporary, Path.ChangeExtension(temporary, PendingExtension), overwrite: true);
            }
            catch (JsonException ex)
            {
                Quarantine(temporary, ex);
            }
        }

        return PendingFiles().Count;
    }

    /// <summary>Reads a spool file; a torn or foreign file is moved aside, reported, and <see langword="null"/> returned.</summary>
    public async Task<CallRecord?> ReadAsync(string file, CancellationToken cancellationToken = default)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            return CallRecordJson.Deserialize(bytes);
        }
        catch (JsonException ex)
        {
            Quarantine(file, ex);
            return null;
        }
    }

    /// <summary>Removes a spool file once the store has its record.</summary>
    public static void Delete(string file) => File.Delete(file);

    private (string Temporary, string Final) NewNames(CallRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{time.GetUtcNow().ToUnixTimeMilliseconds():D13}-{record.CallId:N}-{Guid.NewGuid().ToString("N")[..8]}");
        return (Path.Combine(Directory, name + TemporaryExtension), Path.Combine(Directory, name + PendingExtension));
    }

    private void Quarantine(string file, Exception exception)
    {
        var aside = Path.ChangeExtension(file, CorruptExtension);
        File.Move(file, aside, overwrite: true);
        metrics.Corrupt();
        RecordsLog.CorruptSpoolFile(logger, file, aside, exception);
    }
}
