using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Speech;
using Voicebot.Audio;

namespace Voicebot.Providers.Espeak;

/// <summary>One running <c>espeak-ng --stdout</c>: feeds the text, reads the WAV, and kills the whole tree if abandoned.</summary>
internal sealed class EspeakProcess : IAsyncDisposable
{
    private const int ChunkBytes = 4096;   // about 93 ms at 22050 Hz: small enough to start playback early
    private const int MaxStderrChars = 500;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Process _process;
    private readonly EspeakOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _timeout;
    private readonly Task<string> _stderr;
    private readonly Task _stdin;
    private readonly byte[] _buffer = new byte[ChunkBytes];
    private WavStreamReader? _reader;
    private long _bytes;
    private int _chunks;
    private bool _completed;

    private EspeakProcess(Process process, EspeakOptions options, string text, ILogger logger, CancellationToken cancellationToken)
    {
        _process = process;
        _options = options;
        _logger = logger;
        _cancellationToken = cancellationToken;
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stderr = process.StandardError.ReadToEndAsync(_timeout.Token);
        _stdin = WriteInputAsync(process.StandardInput, text, _timeout.Token);
    }

    private int Id => _process.Id;

    /// <exception cref="SpeechSynthesisException">espeak-ng is missing, failed, or wrote no WAV.</exception>
    public static async Task<EspeakProcess> StartAsync(EspeakOptions options, string text, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = Utf8NoBom,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // espeak-ng -v <voice> -s <wpm> -p <pitch> -b 1 (UTF-8 input) --stdin (read all of it) --stdout (WAV to the pipe)
        foreach (var argument in new[]
        {
            "-v", options.Voice,
            "-s", options.WordsPerMinute.ToString(CultureInfo.InvariantCulture),
            "-p", options.Pitch.ToString(CultureInfo.InvariantCulture),
            "-b", "1", "--stdin", "--stdout",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new SpeechSynthesisException($"Could not start {options.ExecutablePath}.");
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == 2)
        {
            // ENOENT
            throw Fail(logger, $"espeak-ng not found ('{options.ExecutablePath}'): {EspeakSpeechSynthesizer.InstallHint}.", ex);
        }
        catch (Win32Exception ex)
        {
            throw Fail(logger, $"Could not start espeak-ng ('{options.ExecutablePath}'): {ex.Message}.", ex);
        }

        var espeak = new EspeakProcess(process, options, text, logger, cancellationToken);
        EspeakLog.SynthesisStarted(logger, espeak.Id, options.Voice, text.Length);
        EspeakLog.SynthesisText(logger, espeak.Id, text);
        try
        {
            await espeak.OpenAsync();
            return espeak;
        }
        catch
        {
            await espeak.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next chunk, or <see langword="null"/> when espeak-ng closed its output.</summary>
    public async Task<SynthesizedAudio?> ReadAsync()
    {
        var reader = _reader!;
        var read = await GuardAsync(async token => await reader.ReadAsync(_buffer, token));
        if (read == 0)
        {
            return null;
        }

        _bytes += read;
        _chunks++;
        return new SynthesizedAudio(_buffer.AsSpan(0, read).ToArray(), reader.SampleRate);
    }

    /// <summary>Waits for the exit and checks it: a non-zero exit code or an error message fails the utterance.</summary>
    public async Task CompleteAsync()
    {
        await GuardAsync(async token =>
        {
            await _process.WaitForExitAsync(token);
            return 0;
        });
        _completed = true;

        var stderr = Truncate(await _stderr);
        if (_process.ExitCode != 0 || stderr.Length > 0)
        {
            throw Fail(_logger, $"espeak-ng exited with code {_process.ExitCode}: {(stderr.Length > 0 ? stderr : "no message")}", null);
        }

        EspeakLog.SynthesisCompleted(_logger, Id, _bytes, _chunks, _reader!.SampleRate);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            Kill();
        }

        try
        {
            await Task.WhenAll(_stdin, _stderr).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or TimeoutException)
        {
            // Already reported by the read path, or moot once the process is gone.
        }

        _timeout.Dispose();
        _process.Dispose();
    }

    private async Task OpenAsync()
    {
        WavStreamReader reader;
        try
        {
            reader = await GuardAsync(async token => await WavStreamReader.OpenAsync(_process.StandardOutput.BaseStream, token));
        }
        catch (InvalidDataException ex)
        {
            // Usually a bad voice: espeak-ng writes nothing to stdout, explains on stderr and exits with 1.
            await GuardAsync(async token =>
            {
                await _process.WaitForExitAsync(token);
                return 0;
            });
            _completed = true;
            var stderr = Truncate(await _stderr);
            throw Fail(_logger, $"espeak-ng exited with code {_process.ExitCode} without audio: {(stderr.Length > 0 ? stderr : ex.Message)}", ex);
        }

        if (!reader.IsPcm16Mono)
        {
            throw Fail(_logger, $"espeak-ng wrote {reader.BitsPerSample}-bit audio on {reader.Channels} channel(s); 16-bit mono expected.", null);
        }

        _reader = reader;
    }

    /// <summary>Runs one wait on the process under the inactivity timeout, turning a timeout into a synthesis failure.</summary>
    private async Task<T> GuardAsync<T>(Func<CancellationToken, Task<T>> wait)
    {
        _timeout.CancelAfter(_options.Timeout);
        try
        {
            return await wait(_timeout.Token);
        }
        catch (OperationCanceledException ex) when (!_cancellationToken.IsCancellationRequested)
        {
            throw Fail(_logger, $"espeak-ng produced nothing for {_options.Timeout.TotalSeconds:0.###} s.", ex);
        }
        finally
        {
            if (!_timeout.IsCancellationRequested)
            {
                _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                EspeakLog.ProcessKilled(_logger, Id);
            }

            // Reap it, so no zombie is left behind.
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            EspeakLog.KillFailed(_logger, Id, ex.Message);
        }
    }

    private static async Task WriteInputAsync(StreamWriter stdin, string text, CancellationToken cancellationToken)
    {
        try
        {
            await stdin.WriteAsync(text.AsMemory(), cancellationToken);
            await stdin.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // espeak-ng exited before reading everything (e.g. an unknown voice); its exit code and stderr say why.
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // Same: the pipe is already broken.
            }
        }
    }

    private static string Truncate(string stderr)
    {
        var trimmed = stderr.Trim();
        return trimmed.Length <= MaxStderrChars ? trimmed : string.Concat(trimmed.AsSpan(0, MaxStderrChars), "…");
    }

    private static SpeechSynthesisException Fail(ILogger logger, string message, Exception? inner)
    {
        EspeakLog.SynthesisFailed(logger, message);
        return inner is null ? new SpeechSynthesisException(message) : new SpeechSynthesisException(message, inner);
    }
}
