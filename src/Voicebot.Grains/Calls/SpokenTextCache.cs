using System.Collections.Concurrent;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Synthesized text already heard on this silo, by voice, rate and text, so the same dynamic answer is synthesized
/// once. Bounded: past <see cref="Capacity"/> entries the oldest are forgotten. Thread-safe.
/// </summary>
public sealed class SpokenTextCache
{
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<(string Voice, int Rate, string Text), byte[]> _entries = new();
    private readonly ConcurrentQueue<(string Voice, int Rate, string Text)> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(string voice, int rate, string text, out byte[] pcm) =>
        _entries.TryGetValue((voice, rate, text), out pcm!);

    public void Add(string voice, int rate, string text, byte[] pcm)
    {
        if (_entries.TryAdd((voice, rate, text), pcm))
        {
            _order.Enqueue((voice, rate, text));
            while (_entries.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _entries.TryRemove(oldest, out _);
            }
        }
    }
}
