using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Testing.Fakes;

/// <summary>
/// A recognizer the test drives: it says what was "heard" on a call with <see cref="Hear"/>, makes the provider fail
/// with <see cref="Fail"/>, and counts the audio each session received. Thread-safe; shared by every silo.
/// </summary>
public sealed class ScriptedSpeechRecognizer : ISpeechRecognizer
{
    private readonly ConcurrentDictionary<Guid, Channel<Func<RecognitionUpdate>>> _sessions = new();
    private readonly ConcurrentDictionary<Guid, int> _frames = new();
    private readonly ConcurrentDictionary<Guid, int> _handled = new();

    public string Name => "scripted";

    /// <summary>Audio frames received for a call.</summary>
    public int FramesReceived(Guid callId) => _frames.GetValueOrDefault(callId);

    public bool HasSession(Guid callId) => _sessions.ContainsKey(callId);

    /// <summary>
    /// Updates of a call the consumer is done with: it asked for the next one, so whatever it did on this one (a flush,
    /// a phrase) has been done.
    /// </summary>
    public int UpdatesHandled(Guid callId) => _handled.GetValueOrDefault(callId);

    /// <summary>A final transcript that ends the turn (speech_final).</summary>
    public void Hear(Guid callId, string transcript) =>
        Send(callId, new RecognitionUpdate(RecognitionUpdateKind.Transcript, transcript, IsFinal: true, SpeechFinal: true, Confidence: 0.9));

    public void Send(Guid callId, RecognitionUpdate update) => Session(callId).Writer.TryWrite(() => update);

    /// <summary>The provider goes away for good (reconnects exhausted).</summary>
    public void Fail(Guid callId) =>
        Session(callId).Writer.TryWrite(() => throw new ProviderUnavailableException("scripted", ProviderFailure.Closed, "connection lost"));

    public async IAsyncEnumerable<RecognitionUpdate> RecognizeAsync(
        IAsyncEnumerable<RecognitionInput> input,
        RecognitionOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var script = Session(options.CallId);
        var pump = Task.Run(
            async () =>
            {
                await foreach (var item in input.WithCancellation(cancellationToken))
                {
                    if (item.Kind == RecognitionInputKind.Audio)
                    {
                        _frames.AddOrUpdate(options.CallId, 1, (_, n) => n + 1);
                    }
                }

                script.Writer.TryComplete();
            },
            cancellationToken);

        await foreach (var next in script.Reader.ReadAllAsync(cancellationToken))
        {
            yield return next();
            _handled.AddOrUpdate(options.CallId, 1, (_, n) => n + 1);   // resumed: the consumer wants the next one
        }

        await pump;
    }

    private Channel<Func<RecognitionUpdate>> Session(Guid callId) =>
        _sessions.GetOrAdd(callId, _ => Channel.CreateUnbounded<Func<RecognitionUpdate>>());
}
