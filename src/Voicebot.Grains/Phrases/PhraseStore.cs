using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Audio;
using Voicebot.Abstractions.Phrases;
using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Conversation;

namespace Voicebot.Grains.Phrases;

/// <summary>
/// Every fixed phrase, rendered once per rate and kept on disk and in memory. The disk file name carries a hash of
/// text, engine, voice, settings and rate, so an edited phrase or another voice is rendered anew, never served stale.
/// Thread-safe; one per process.
/// </summary>
public sealed class PhraseStore
{
    private const int TrimThreshold = 48;          // |sample| below this counts as silence when trimming (≈ −57 dBFS)
    private static readonly TimeSpan KeptTail = TimeSpan.FromMilliseconds(60);

    private readonly ConversationAssets _assets;
    private readonly ISpeechSynthesizer _synthesizer;
    private readonly ISpeechSynthesizer? _fallback;
    private volatile bool _primaryDown;
    private readonly IChunkResampler _resampler;
    private readonly PhraseCacheOptions _options;
    private readonly ILogger<PhraseStore> _logger;
    private readonly ConcurrentDictionary<(string Key, int Rate), Lazy<Task<PhraseAudio>>> _phrases = new();

    public PhraseStore(
        ConversationAssets assets,
        ISpeechSynthesizer synthesizer,
        IChunkResampler resampler,
        IOptions<PhraseCacheOptions> options,
        ContentPaths paths,
        ILogger<PhraseStore> logger,
        PhraseFallbackVoice? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _assets = assets;
        _synthesizer = synthesizer;
        _fallback = fallback?.Synthesizer is { } voice && voice.Voice != synthesizer.Voice ? voice : null;
        _resampler = resampler;
        _options = options.Value;
        _logger = logger;
        CacheDirectory = paths.Resolve(_options.Directory);
    }

    /// <summary>Absolute cache directory.</summary>
    public string CacheDirectory { get; }

    /// <summary>Every phrase key of the catalog.</summary>
    public IReadOnlyCollection<string> Keys => _assets.Phrases.Phrases.Keys.ToArray();

    /// <summary>True once every phrase of every warm-up rate is in memory.</summary>
    public bool IsWarm { get; private set; }

    /// <summary>The phrase at <paramref name="sampleRate"/>: from memory, else from disk, else rendered now.</summary>
    /// <exception cref="KeyNotFoundException">No phrase has this key.</exception>
    public Task<PhraseAudio> GetAsync(string key, int sampleRate)
    {
        var text = _assets.Phrases.GetText(key);
        var lazy = _phrases.GetOrAdd((key, sampleRate), k => new Lazy<Task<PhraseAudio>>(() => LoadOrRenderAsync(k.Key, text, k.Rate, force: false)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            // A failed render is not cached: the next call tries again (e.g. espeak-ng installed meanwhile).
            _phrases.TryRemove(new KeyValuePair<(string, int), Lazy<Task<PhraseAudio>>>((key, sampleRate), lazy));
        }

        return task;
    }

    /// <summary>Loads or renders every phrase at the warm-up rates. Returns how many had to be rendered.</summary>
    public async Task<int> WarmUpAsync(CancellationToken cancellationToken)
    {
        var rendered = 0;
        foreach (var rate in _options.WarmUpRates)
        {
            rendered += await RenderAllAsync(rate, force: false, cancellationToken);
        }

        IsWarm = true;
        return rendered;
    }

    /// <summary>Renders every phrase at <paramref name="sampleRate"/>; with <paramref name="force"/>, even those already on disk.</summary>
    public async Task<int> RenderAllAsync(int sampleRate, bool force, CancellationToken cancellationToken)
    {
        var rendered = 0;
        await Parallel.ForEachAsync(
            _assets.Phrases.Phrases,
            new ParallelOptions { MaxDegreeOfParallelism = _options.RenderConcurrency, CancellationToken = cancellationToken },
            async (phrase, ct) =>
            {
                var path = CachePath(phrase.Key, phrase.Value, sampleRate);
                if (force || !File.Exists(path))
                {
                    Interlocked.Increment(ref rendered);
                }

                var audio = await LoadOrRenderAsync(phrase.Key, phrase.Value, sampleRate, force, ct);
                _phrases[(phrase.Key, sampleRate)] = new Lazy<Task<PhraseAudio>>(Task.FromResult(audio));
            });
        return rendered;
    }

    /// <summary>Every phrase at <paramref name="sampleRate"/> (loads or renders what is missing).</summary>
    public async Task<IReadOnlyList<PhraseAudio>> GetAllAsync(int sampleRate, CancellationToken cancellationToken)
    {
        var all = new List<PhraseAudio>();
        foreach (var key in _assets.Phrases.Phrases.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            all.Add(await GetAsync(key, sampleRate));
        }

        return all;
    }

    /// <summary>The phrases not yet rendered on disk at <paramref name="sampleRate"/> in the configured voice (for <c>voicebot doctor</c>).</summary>
    public IReadOnlyList<string> MissingOnDisk(int sampleRate) =>
        _assets.Phrases.Phrases.Where(p => !File.Exists(CachePath(p.Key, p.Value, sampleRate))).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The file that holds (or will hold) this phrase in the configured voice.</summary>
    public string CachePath(string key, string text, int sampleRate) => CachePath(_synthesizer.Voice, key, text, sampleRate);

    private string CachePath(SpeechVoice voice, string key, string text, int sampleRate)
    {
        var identity = $"{voice.Engine}\n{voice.Name}\n{voice.SampleRate}\n{voice.Settings}\n{sampleRate}\n{text}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
        return Path.Combine(CacheDirectory, sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{key}-{hash}.pcm");
    }

    private async Task<PhraseAudio> LoadOrRenderAsync(string key, string text, int sampleRate, bool force, CancellationToken cancellationToken = default)
    {
        if (!force && await TryLoadAsync(CachePath(key, text, sampleRate), cancellationToken) is { } cached)
        {
            return new PhraseAudio(key, text, cached, sampleRate);
        }

        if (_fallback is null)
        {
            return new PhraseAudio(key, text, await RenderToDiskAsync(_synthesizer, key, text, sampleRate, cancellationToken), sampleRate);
        }

        if (!_primaryDown)
        {
            try
            {
                return new PhraseAudio(key, text, await RenderToDiskAsync(_synthesizer, key, text, sampleRate, cancellationToken), sampleRate);
            }
            catch (Exception ex) when (ex is ProviderUnavailableException or SpeechSynthesisException or HttpRequestException)
            {
                // The cloud voice is down: speak with the embedded one (cached under its own voice, so the cloud
                // voice is tried again at the next start and replaces it).
                _primaryDown = true;
                PhraseLog.FallingBack(_logger, _synthesizer.Voice.Engine, _fallback.Voice.Engine, ex.Message);
            }
        }

        var fallbackPath = CachePath(_fallback.Voice, key, text, sampleRate);
        return !force && await TryLoadAsync(fallbackPath, cancellationToken) is { } fallbackCached
            ? new PhraseAudio(key, text, fallbackCached, sampleRate)
            : new PhraseAudio(key, text, await RenderToDiskAsync(_fallback, key, text, sampleRate, cancellationToken), sampleRate);
    }

    private async Task<byte[]?> TryLoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var cached = await File.ReadAllBytesAsync(path, cancellationToken);
        if (cached.Length > 0 && cached.Length % 2 == 0)
        {
            return cached;
        }

        PhraseLog.CorruptCacheFile(_logger, path);
        return null;
    }

    private async Task<byte[]> RenderToDiskAsync(ISpeechSynthesizer synthesizer, string key, string text, int sampleRate, CancellationToken cancellationToken)
    {
        var pcm = await RenderAsync(synthesizer, text, sampleRate, cancellationToken);
        var path = CachePath(synthesizer.Voice, key, text, sampleRate);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, pcm, cancellationToken);
        File.Move(temporary, path, overwrite: true);   // atomic: a reader never sees half a phrase
        PhraseLog.Rendered(_logger, key, sampleRate, pcm.Length / 2 * 1000 / sampleRate);
        return pcm;
    }

    private async Task<byte[]> RenderAsync(ISpeechSynthesizer synthesizer, string text, int sampleRate, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        ResamplerState? state = null;
        var sourceRate = 0;
        await foreach (var chunk in synthesizer.SynthesizeAsync(text, cancellationToken))
        {
            sourceRate = chunk.SampleRate;
            if (chunk.SampleRate == sampleRate)
            {
                output.Write(chunk.Pcm.Span);
                continue;
            }

            // Streamed chunk by chunk, the filter state carried from one chunk to the next.
            var resampled = await _resampler.ResampleAsync(new ResampleRequest(chunk.Pcm.ToArray(), chunk.SampleRate, sampleRate, state, Final: false), cancellationToken);
            state = resampled.State;
            output.Write(resampled.Pcm);
        }

        if (state is not null)
        {
            var tail = await _resampler.ResampleAsync(new ResampleRequest([], sourceRate, sampleRate, state, Final: true), cancellationToken);
            output.Write(tail.Pcm);
        }

        if (output.Length == 0)
        {
            throw new SpeechSynthesisException($"The synthesizer produced no audio for \"{text}\".");
        }

        return Trim(output.GetBuffer().AsSpan(0, (int)output.Length), sampleRate);
    }

    /// <summary>Cuts the synthesizer's leading silence (it only delays the answer) and keeps a short tail.</summary>
    private static byte[] Trim(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm);
        var first = 0;
        while (first < samples.Length && Math.Abs((int)samples[first]) < TrimThreshold)
        {
            first++;
        }

        var last = samples.Length - 1;
        while (last > first && Math.Abs((int)samples[last]) < TrimThreshold)
        {
            last--;
        }

        if (first >= samples.Length)
        {
            return pcm.ToArray();
        }

        var end = Math.Min(samples.Length, last + 1 + (int)(sampleRate * KeptTail.TotalSeconds));
        return pcm[(first * 2)..(end * 2)].ToArray();
    }
}
