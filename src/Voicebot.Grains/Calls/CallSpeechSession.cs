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

    public CallSpeechSession(ISpeechRecognizer recognizer, RecognitionOptions options, ICallSpeechTarget target, int id)
    {
        Id = id;
        _run = Task.Run(() => RunAsync(recognizer, options, target, _stop.Token));
    }

    public int Id { get; }

    public void Feed(byte[] pcm) => _input.Writer.TryWrite(RecognitionInput.Audio(pcm));

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
