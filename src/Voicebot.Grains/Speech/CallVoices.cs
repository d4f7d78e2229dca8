using Voicebot.Abstractions.Speech;
using Voicebot.Grains.Phrases;

namespace Voicebot.Grains.Speech;

/// <summary>
/// The voice a call says text with, composed from the configured voice: each voice cached per silo
/// (<see cref="CachingSpeechSynthesizer"/>), and, when a fallback voice is configured, the fallback taking over a
/// sentence the configured voice could not start (<see cref="FallbackSpeechSynthesizer"/>).
/// </summary>
public sealed class CallVoices(ISpeechSynthesizer synthesizer, SpokenTextCache cache, PhraseFallbackVoice? fallback = null)
{
    private readonly CachingSpeechSynthesizer _primary = new(synthesizer, cache);
    private readonly CachingSpeechSynthesizer? _fallback = fallback is null ? null : new(fallback.Synthesizer, cache);

    /// <summary>The voice for one call; <paramref name="madeUpFor"/> hears each failure the fallback made up for.</summary>
    public ISpeechSynthesizer ForCall(Action<SpeechVoice, Exception> madeUpFor) =>
        _fallback is null ? _primary : new FallbackSpeechSynthesizer(_primary, _fallback, madeUpFor);
}
