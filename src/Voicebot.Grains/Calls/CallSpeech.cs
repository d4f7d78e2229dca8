using Voicebot.Abstractions.Speech;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The caller's words in one call: the recognizer's session (fed with the caller's audio, its updates coming back
/// through the grain's mailbox, tagged with the session they belong to) and the interpretation of each spoken turn, run
/// off the grain and cancelled when the turn is superseded. Not thread-safe (the grain's).
/// </summary>
internal sealed class CallSpeech(ISpeechRecognizer? recognizer, SpeechOptions options, UtteranceInterpreters interpreters, CallMetrics metrics)
{
    private CallSpeechSession? _session;
    private int _sessionId;
    private CancellationTokenSource? _interpretation;

    /// <summary>A recognizer is configured for calls.</summary>
    public bool HasRecognizer => recognizer is not null;

    /// <summary>The recognizer is listening (it may have failed or the call ended since).</summary>
    public bool Listening => _session is not null;

    /// <summary>Whether an update comes from the session listening now.</summary>
    public bool IsCurrent(int session) => _session is not null && session == _sessionId;

    public void Start(RecognitionOptions recognition, ICallSpeechTarget target)
    {
        if (recognizer is not null && _session is null)
        {
            _session = new CallSpeechSession(recognizer, recognition, target, ++_sessionId, options.RecognizerGate);
        }
    }

    /// <summary>The caller's audio (near their voice, recordings included: see <c>Speech:RecognizerAudio</c>).</summary>
    public void Feed(byte[] pcm) => _session?.Feed(pcm);

    /// <summary>Caller audio the gateway kept back: skipped, never sent.</summary>
    public void Skip(TimeSpan duration) => _session?.Skip(duration);

    /// <summary>Closes the recognizer's stream; its later updates are stale.</summary>
    public async Task StopAsync()
    {
        if (_session is { } session)
        {
            _session = null;
            _sessionId++;
            await session.DisposeAsync();
            metrics.RecognizerAudioSkipped(session.Skipped);
        }
    }

    /// <summary>Hands a spoken turn to the interpreters, off the grain; the answer comes back through <paramref name="target"/>.</summary>
    public void Interpret(int turn, string transcript, InterpretationContext context, ICallSpeechTarget target)
    {
        CancelInterpretation();
        var cts = _interpretation = new CancellationTokenSource();
        var token = cts.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await target.OnInterpretedAsync(await interpreters.InterpretAsync(turn, transcript, context, token));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Superseded by a newer turn, an interruption or the end of the call.
            }
        }, CancellationToken.None);
    }

    public void CancelInterpretation()
    {
        if (_interpretation is { } cts)
        {
            _interpretation = null;
            cts.Cancel();   // not disposed: the interpretation may still be registering on its token
        }
    }
}
