using System.Globalization;
using Microsoft.Extensions.Logging;
using Voicebot.Audio;
using Voicebot.Grains.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Writes a recorded slot as a WAV clip under <see cref="CallOptions.ClipDirectory"/>:
/// <c>yyyy-MM-dd/{callId}-{slot}.wav</c>. A disk that refuses the file loses the clip, never the call.
/// </summary>
internal sealed class NameClipFiles(CallOptions options, ContentPaths paths, ILogger logger)
{
    /// <returns>The clip's full path, or <see langword="null"/> when it could not be written (logged with the call id).</returns>
    public async Task<string?> WriteAsync(Guid callId, string slot, byte[] pcm, int sampleRate, DateTimeOffset now)
    {
        var day = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var path = paths.Resolve(Path.Combine(options.ClipDirectory, day, $"{callId:D}-{slot}.wav"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: true))
            {
                await WavFile.WriteAsync(file, pcm, sampleRate);
            }

            CallLog.ClipRecorded(logger, callId, slot, pcm.Length / 2 * 1000 / sampleRate, path);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CallLog.ClipWriteFailed(logger, callId, path, ex.Message, ex);
            return null;
        }
    }
}
