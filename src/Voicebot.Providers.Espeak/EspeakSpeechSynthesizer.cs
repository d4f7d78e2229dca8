using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Providers.Espeak;

/// <summary>
/// Text to speech with espeak-ng, run as a separate process per utterance (its engine is process-global, and the
/// process boundary keeps the GPL code out of ours). PCM is streamed from <c>--stdout</c> as espeak-ng writes it.
/// Thread-safe; at most <see cref="EspeakOptions.MaxConcurrency"/> processes run at once.
/// </summary>
public sealed class EspeakSpeechSynthesizer : ISpeechSynthesizer, IDisposable
{
    /// <summary>espeak-ng's native rate (<c>espeak_ng_Initialize</c>: <c>srate = 22050</c>).</summary>
    public const int NativeSampleRate = 22050;

    internal const string InstallHint = "install it with `apt-get install espeak-ng`";

    private readonly EspeakOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private int _waiting;
    private readonly Lazy<SpeechVoice> _voice;

    public EspeakSpeechSynthesizer(IOptions<EspeakOptions> options, ILogger<EspeakSpeechSynthesizer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _voice = new Lazy<SpeechVoice>(CreateVoice, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// <c>espeak-ng</c>, the configured voice, 22050 Hz, and settings naming the espeak-ng version, speed and pitch.
    /// The first read runs <c>espeak-ng --version</c> once.
    /// </summary>
    public SpeechVoice Voice => _voice.Value;

    /// <summary>Syntheses waiting now for one of the <see cref="EspeakOptions.MaxConcurrency"/> process slots.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <inheritdoc />
    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(
        string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            await using var process = await EspeakProcess.StartAsync(_options, text, _logger, cancellationToken);
            while (await process.ReadAsync() is { } chunk)
            {
                yield return chunk;
            }

            await process.CompleteAsync();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private SpeechVoice CreateVoice()
    {
        var settings = string.Create(
            CultureInfo.InvariantCulture,
            $"version={ReadVersion()};wpm={_options.WordsPerMinute};pitch={_options.Pitch}");
        return new SpeechVoice("espeak-ng", _options.Voice, NativeSampleRate, settings);
    }

    private string ReadVersion()
    {
        try
        {
            var start = new ProcessStartInfo(_options.ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("--version");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null.");
            // The answer is one short line, far below a pipe buffer, so waiting for the exit first cannot deadlock.
            if (!process.WaitForExit(_options.Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"no answer within {_options.Timeout}");
            }

            var output = process.StandardOutput.ReadToEnd();

            // "eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data"
            var line = output.Split('\n', 2)[0].Trim();
            var marker = line.IndexOf(':', StringComparison.Ordinal);
            var version = marker < 0 ? line : line[(marker + 1)..].TrimStart().Split(' ', 2)[0];
            return version.Length == 0 ? "unknown" : version;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or TimeoutException or IOException)
        {
            EspeakLog.VersionUnavailable(_logger, _options.ExecutablePath, ex.Message);
            return "unknown";
        }
    }
}
