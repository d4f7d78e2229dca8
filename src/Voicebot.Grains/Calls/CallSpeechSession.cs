using System.Threading.Channels;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Calls;

/// <summary>
/// One call's recognition session, run off the grain: the grain feeds caller audio without waiting, and every update
/// comes back through <see cref="ICallSpeechTarget"/> in order. A full buffer drops the oldest audio (the provider is
/// behind; stalling the call would be worse). Not thread-safe for <see cref="Feed"/> (the grain calls it one frame at a time).
/// </summary>
internal sealed class CallSpeechSession : IAsyncDisposable
{
    private const int BufferedFrames = 250;   // 5 s of 20 ms frames

    private readonly Channel<RecognitionInput> _input = Channel.CreateBounded<RecognitionInput>(
        new BoundedChannelOptions(BufferedFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private readonly RecognizerAudioGate? _gate;

    /// <param name="recognizer">The provider.</param>
    /// <param name="options">The call and its audio format.</param>
    /// <param name="target">Where updates go (the grain).</param>
    /// <param name="id">Tells this session's updates from an earlier one's.</param>
    /// <param name="gate">Which frames the recognizer hears; <see langword="null"/> for all of them.</param>
    public CallSpeechSession(ISpeechRecognizer recognizer, RecognitionOptions options, ICallSpeechTarget target, int id, RecognizerGateSettings? gate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Id = id;
        _gate = gate is null ? null : new RecognizerAudioGate(gate, options.SampleRate, Send);
        _run = Task.Run(() => RunAsync(recognizer, options, target, _stop.Token));
    }

    public int Id { get; }

    /// <summary>Caller audio never sent to the recognizer because it was far from the caller's voice.</summary>
    public TimeSpan Skipped => _gate?.Skipped ?? TimeSpan.Zero;

    public void Feed(byte[] pcm)
    {
        if (_gate is null)
        {
            Send(pcm);
        }
        else
        {
            _gate.Feed(pcm);
        }
    }

    /// <summary>Caller audio the gateway kept back (the grain did not ask for it): skipped, never sent.</summary>
    public void Skip(TimeSpan duration) => _gate?.Skip(duration);

    /// <summary>Ends the input (the provider is told to close the stream) and stops after a short grace.</summary>
    public async ValueTask DisposeAsync()
    {
        _input.Writer.TryComplete();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }

        _stop.Dispose();
    }

    private void Send(byte[] pcm) => _input.Writer.TryWrite(RecognitionInput.Audio(pcm));

    private async Task RunAsync(ISpeechRecognizer recognizer, RecognitionOptions options, ICallSpeechTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in recognizer.RecognizeAsync(_input.Reader.ReadAllAsync(cancellationToken), options, cancellationToken))
            {
                await target.OnRecognitionAsync(Id, update);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call ended.
        }
        catch (ProviderUnavailableException ex)
        {
            await target.OnRecognizerFailedAsync(Id, $"{ex.Failure}: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await target.OnRecognizerFailedAsync(Id, ex.Message);
        }
    }
}
