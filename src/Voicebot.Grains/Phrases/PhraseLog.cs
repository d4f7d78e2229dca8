using Microsoft.Extensions.Logging;

namespace Voicebot.Grains.Phrases;

/// <summary>Phrase cache log events. Ids are stable: retire an id, never reuse it.</summary>
internal static partial class PhraseLog
{
    [LoggerMessage(2001, LogLevel.Information, "Rendered phrase {PhraseKey} at {SampleRate} Hz ({DurationMs} ms).", EventName = "PhraseRendered")]
    public static partial void Rendered(ILogger logger, string phraseKey, int sampleRate, int durationMs);

    [LoggerMessage(2002, LogLevel.Warning, "Phrase cache file {Path} is corrupt; rendering it again.", EventName = "PhraseCacheCorrupt")]
    public static partial void CorruptCacheFile(ILogger logger, string path);

    [LoggerMessage(2003, LogLevel.Information, "Phrase cache ready in {CacheDirectory}: {Count} phrases, {Rendered} rendered now.", EventName = "PhraseCacheReady")]
    public static partial void Ready(ILogger logger, string cacheDirectory, int count, int rendered);

    [LoggerMessage(2004, LogLevel.Error, "Phrase cache warm-up failed: {Reason}", EventName = "PhraseCacheWarmUpFailed")]
    public static partial void WarmUpFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(2005, LogLevel.Warning, "Phrase voice {Engine} is unavailable; rendering phrases with {Fallback} until the next start: {Reason}", EventName = "PhraseVoiceFallback")]
    public static partial void FallingBack(ILogger logger, string engine, string fallback, string reason);
}
