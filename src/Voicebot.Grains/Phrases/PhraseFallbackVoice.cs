using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Phrases;

/// <summary>The voice phrases are rendered with when the configured (cloud) voice is unavailable: espeak-ng.</summary>
public sealed record PhraseFallbackVoice(ISpeechSynthesizer Synthesizer);
