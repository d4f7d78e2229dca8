using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Records;
using Voicebot.Abstractions.Speech;
using Voicebot.Abstractions.Technicians;
using Voicebot.Conversation;
using Voicebot.Grains.Audio;
using Voicebot.Grains.Conversation;
using Voicebot.Grains.Speech;

namespace Voicebot.Grains.Calls;

/// <summary>What every call is built from (one instance per silo): settings, flow, providers, clock, metrics.</summary>
public sealed class CallServices(
    ConversationAssets assets,
    IOptions<CallOptions> options,
    IOptions<ConversationOptions> conversation,
    IOptions<SpeechOptions> speech,
    CallClock clock,
    ContentPaths paths,
    ITechnicianAvailability technicians,
    ICallTransfer transfer,
    UtteranceInterpreters interpreters,
    CallVoices voices,
    IChunkResampler resampler,
    CallMetrics metrics,
    ISpeechRecognizer? recognizer = null,
    ICallRecordSink? records = null)
{
    public ConversationAssets Assets => assets;

    public CallOptions Options => options.Value;

    public ConversationOptions Conversation => conversation.Value;

    public SpeechOptions Speech => speech.Value;

    public TimeProvider Time => clock.Time;

    public ContentPaths Paths => paths;

    public ITechnicianAvailability Technicians => technicians;

    public ICallTransfer Transfer => transfer;

    public UtteranceInterpreters Interpreters => interpreters;

    public CallVoices Voices => voices;

    public IChunkResampler Resampler => resampler;

    public CallMetrics Metrics => metrics;

    /// <summary>The speech recognizer, when one is configured (else calls are answered on the keypad).</summary>
    public ISpeechRecognizer? Recognizer => recognizer;

    /// <summary>Where finished (and in-progress) call records go, when records are kept.</summary>
    public ICallRecordSink? Records => records;
}
