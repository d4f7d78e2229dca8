using Voicebot.Abstractions.Calls;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>
/// Which caller audio a call's grain asks the gateway for (<see cref="InboundAudioDemand"/>): the rest is kept back in
/// the gateway and counted, and never costs a hop through the media stream.
/// </summary>
internal static class CallAudioDemands
{
    /// <summary>Kept before a recorded voice starts: a name's first consonant can be quieter than the voice level.</summary>
    private static readonly TimeSpan RecordingPreRoll = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Outside a recording: the frames the recognizer hears (Speech:RecognizerAudio) and those the speech detector
    /// needs to see a turn start and end.
    /// </summary>
    public static InboundAudioDemand NearVoice(CallOptions options, SpeechOptions? recognizer)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (recognizer is not null && recognizer.RecognizerGate is null)
        {
            return InboundAudioDemand.All;   // the recognizer hears the whole call
        }

        var gate = recognizer?.RecognizerGate;
        var threshold = Math.Min(options.SpeechThresholdDbfs, gate?.ThresholdDbfs ?? options.SpeechThresholdDbfs);
        // The detector must see a whole burst and the quiet that ends it; the gate's own hangover is counted per
        // frame on the same audio, so a frame's margin keeps the two from disagreeing at the edge.
        var detector = options.EndOfSpeechSilence + options.MinSpeech;
        var hangover = (gate is null || gate.Hangover < detector ? detector : gate.Hangover) + TimeSpan.FromMilliseconds(100);
        return InboundAudioDemand.NearVoice(threshold, gate?.PreRoll ?? TimeSpan.Zero, hangover);
    }

    /// <summary>
    /// While a recording is open: the voice, with what the call needs anyway, a pre-roll so that a soft start of the
    /// name is kept, and enough after the voice for the recording's own end of speech. The quiet the gateway keeps back
    /// is written into the clip as silence (<see cref="CallerRecording.WriteSilence"/>), so the clip keeps its timing; a
    /// caller who takes their time to answer no longer costs a stream event per frame meanwhile.
    /// </summary>
    public static InboundAudioDemand Recording(InboundAudioDemand nearVoice, CallOptions options, StartRecording request)
    {
        ArgumentNullException.ThrowIfNull(nearVoice);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        if (nearVoice.Everything)
        {
            return nearVoice;
        }

        var threshold = Math.Min(nearVoice.ThresholdDbfs, options.SpeechThresholdDbfs);
        var preRoll = nearVoice.PreRoll < RecordingPreRoll ? RecordingPreRoll : nearVoice.PreRoll;
        var ending = request.EndSilence + options.MinSpeech + TimeSpan.FromMilliseconds(100);
        return InboundAudioDemand.NearVoice(threshold, preRoll, nearVoice.Hangover < ending ? ending : nearVoice.Hangover);
    }
}
