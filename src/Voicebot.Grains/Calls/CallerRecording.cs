using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The caller's voice being recorded into a slot (their name): the audio up to the request's length, and the speech
/// detector that tells when they have finished. Its limit runs on the grain's clock, not here. Not thread-safe (the
/// grain's).
/// </summary>
internal sealed class CallerRecording
{
    private readonly MemoryStream _audio = new();
    private readonly CallerSpeechTracker _speech;
    private readonly long _capacity;

    public CallerRecording(StartRecording request, CallOptions options, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        Request = request;
        SampleRate = sampleRate;
        _speech = new CallerSpeechTracker(options.SpeechThresholdDbfs, options.MinSpeech, request.EndSilence);
        _capacity = (long)(request.MaxDuration.TotalSeconds * sampleRate) * 2;
    }

    /// <summary>What the conversation asked for: the slot, the longest recording, the pause that ends it.</summary>
    public StartRecording Request { get; }

    public int SampleRate { get; }

    /// <summary>The caller is talking now.</summary>
    public bool InSpeech => _speech.InSpeech;

    /// <summary>A voice was heard at some point: the recording holds more than noise.</summary>
    public bool HeardSpeech => _speech.HeardSpeech;

    /// <summary>
    /// Adds a frame (within the request's length: a caller sending faster than real time only fills the recording up)
    /// and returns what the speech detector saw.
    /// </summary>
    public SpeechChange Write(byte[] audio, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var change = _speech.Process(audio, sampleRate);
        if (_audio.Length + audio.Length <= _capacity)
        {
            _audio.Write(audio);
        }

        return change;
    }

    /// <summary>Adds the quiet the gateway kept back as silence, where it was (within the request's length).</summary>
    public void WriteSilence(long samples)
    {
        var bytes = Math.Min(samples * 2, _capacity - _audio.Length);
        if (bytes > 0)
        {
            _audio.SetLength(_audio.Length + bytes);   // zero-filled
            _audio.Position = _audio.Length;
        }
    }

    /// <summary>The recorded PCM (16-bit, little-endian, <see cref="SampleRate"/>).</summary>
    public byte[] ToArray() => _audio.ToArray();
}
