using System.Collections.Concurrent;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Speech;

/// <summary>
/// Synthesized text already heard on this silo, by voice and text, at the voice's own rate, so the same dynamic answer
/// is synthesized once. Bounded: past <see cref="Capacity"/> entries the oldest are forgotten. Thread-safe.
/// </summary>
public sealed class SpokenTextCache
{
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<(SpeechVoice Voice, string Text), SynthesizedAudio> _entries = new();
    private readonly ConcurrentQueue<(SpeechVoice Voice, string Text)> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(SpeechVoice voice, string text, out SynthesizedAudio audio) =>
        _entries.TryGetValue((voice, text), out audio);

    public void Add(SpeechVoice voice, string text, SynthesizedAudio audio)
    {
        if (_entries.TryAdd((voice, text), audio with { IsWhole = true }))
        {
            _order.Enqueue((voice, text));
            while (_entries.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
            }
        }
    }
}
