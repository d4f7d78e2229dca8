using Voicebot.Audio;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Chooses which caller frames the recognizer hears: the caller's voice, the moments just before it (so a soft onset
/// is not clipped) and the silence after it (so the recognizer's endpointing and utterance-end gap still see a pause).
/// Frames further from any voice are not sent. On a call the caller is quiet most of the time (the bot is talking, or
/// the caller is thinking), so this spares most of the recognizer's traffic: one WebSocket message per 20 ms frame,
/// and the provider's billed audio. Not thread-safe: one per call, fed one frame at a time.
/// </summary>
internal sealed class RecognizerAudioGate
{
    private readonly Action<byte[]> _send;
    private readonly double _threshold;
    private readonly TimeSpan _preRoll;
    private readonly TimeSpan _hangover;
    private readonly int _sampleRate;
    private readonly byte[]?[] _held;
    private int _heldStart;
    private int _heldCount;
    private TimeSpan _heldDuration;
    private TimeSpan _sinceVoice;
    private bool _open;

    /// <param name="settings">The level that counts as voice, and how much audio to keep around it.</param>
    /// <param name="sampleRate">The caller audio's rate, to know each frame's duration.</param>
    /// <param name="send">Receives the frames the recognizer should hear, in call order.</param>
    public RecognizerAudioGate(RecognizerGateSettings settings, int sampleRate, Action<byte[]> send)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        _send = send;
        _threshold = 32768 * Math.Pow(10, settings.ThresholdDbfs / 20);   // RMS amplitude, as PcmLevel measures it
        _preRoll = settings.PreRoll;
        _hangover = settings.Hangover;
        _sampleRate = sampleRate;
        _held = new byte[]?[(int)Math.Ceiling(settings.PreRoll.TotalMilliseconds / 10) + 1];   // frames are 10 ms or longer
    }

    /// <summary>Audio held back for good so far (never sent), for the call's figures.</summary>
    public TimeSpan Skipped { get; private set; }

    /// <summary>Feeds one frame of 16-bit little-endian PCM; sends it, and the held pre-roll when the voice starts, or holds it.</summary>
    public void Feed(byte[] pcm)
    {
        if (pcm.Length < 2)
        {
            return;
        }

        if (PcmLevel.Rms(pcm) >= _threshold)
        {
            ReleaseHeld();
            _open = true;
            _sinceVoice = TimeSpan.Zero;
            _send(pcm);
            return;
        }

        if (_open)
        {
            _send(pcm);
            _sinceVoice += Duration(pcm);
            _open = _sinceVoice < _hangover;
            return;
        }

        Hold(pcm);
    }

    /// <summary>
    /// Audio the gateway kept back, far from any voice (<c>InboundMedia.SkippedSamples</c>): counted as skipped. What
    /// is held no longer leads into what comes next, so it is dropped too.
    /// </summary>
    public void Skip(TimeSpan duration)
    {
        while (_heldCount > 0)
        {
            DropOldest();
        }

        _heldStart = 0;
        Skipped += duration;
    }

    private void Hold(byte[] pcm)
    {
        if (_preRoll <= TimeSpan.Zero)
        {
            Skipped += Duration(pcm);
            return;
        }

        if (_heldCount == _held.Length)
        {
            DropOldest();
        }

        _held[(_heldStart + _heldCount) % _held.Length] = pcm;
        _heldCount++;
        _heldDuration += Duration(pcm);
        while (_heldDuration > _preRoll && _heldCount > 1)
        {
            DropOldest();
        }
    }

    private void DropOldest()
    {
        var duration = Duration(_held[_heldStart]!);
        _heldDuration -= duration;
        Skipped += duration;
        _held[_heldStart] = null;
        _heldStart = (_heldStart + 1) % _held.Length;
        _heldCount--;
    }

    private void ReleaseHeld()
    {
        for (; _heldCount > 0; _heldCount--)
        {
            _send(_held[_heldStart]!);
            _held[_heldStart] = null;
            _heldStart = (_heldStart + 1) % _held.Length;
        }

        _heldDuration = TimeSpan.Zero;
    }

    private TimeSpan Duration(byte[] pcm) => TimeSpan.FromSeconds(pcm.Length / 2.0 / _sampleRate);
}

/// <summary>How <see cref="RecognizerAudioGate"/> tells the caller's voice and keeps the audio around it.</summary>
/// <param name="ThresholdDbfs">Frame level, in dBFS, from which a frame is voice.</param>
/// <param name="PreRoll">Audio kept from before the voice starts.</param>
/// <param name="Hangover">Audio still sent after the last voiced frame.</param>
internal sealed record RecognizerGateSettings(double ThresholdDbfs, TimeSpan PreRoll, TimeSpan Hangover);
