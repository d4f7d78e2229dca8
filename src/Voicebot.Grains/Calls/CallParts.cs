using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Speech;
using Voicebot.Conversation;

namespace Voicebot.Grains.Calls;

/// <summary>The parts one call is made of, each with one concern, built once when its grain activates.</summary>
internal sealed class CallParts
{
    public CallParts(Guid callId, string silo, CallServices services, ICallTimerTarget timerTarget, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.Options;
        CallId = callId;
        Services = services;
        Logger = logger;
        Time = services.Time;
        Record = new CallRecordBuilder(callId, silo, Time);
        Failures = new ProviderFailures(services.Speech.MaxConsecutiveFailures, Record, services.Metrics, Time);
        Timers = new CallTimers(Time, timerTarget);
        Floor = new TurnTaking(options.SilenceReprompt, options.SilenceGiveUp);
        Timings = new TurnTimings(services.Metrics);
        Speech = new CallSpeech(services.Recognizer, services.Speech, services.Interpreters, services.Metrics);
        Technicians = new TechnicianHandOver(services.Technicians, services.Transfer, logger);
        Ending = new CallEnding(callId, Technicians, services.Metrics, Time, logger);
        Name = new NameRecorder(options, new NameClipFiles(options, services.Paths, logger), Timers);
        Voice = new CallerSpeechTracker(options.SpeechThresholdDbfs, options.MinSpeech, options.EndOfSpeechSilence);
        NearVoice = CallAudioDemands.NearVoice(options, Speech.HasRecognizer ? services.Speech : null);
        VoiceForText = services.Voices.ForCall((voice, ex) =>
        {
            CallLog.SynthesisFailed(logger, callId, voice.Engine, ex.Message);
            Failures.Failed("synthesizer", $"{voice.Engine}: {ex.Message}");   // the fallback voice said it instead
        });
    }

    public Guid CallId { get; }

    public CallServices Services { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    /// <summary>History, provider errors and the record built from them.</summary>
    public CallRecordBuilder Record { get; }

    public ProviderFailures Failures { get; }

    public CallTimers Timers { get; }

    /// <summary>Who has the floor.</summary>
    public TurnTaking Floor { get; }

    public TurnTimings Timings { get; }

    /// <summary>The recognizer and the interpreters.</summary>
    public CallSpeech Speech { get; }

    public TechnicianHandOver Technicians { get; }

    public CallEnding Ending { get; }

    public NameRecorder Name { get; }

    /// <summary>The caller's voice as the call's own detector hears it (outside recordings).</summary>
    public CallerSpeechTracker Voice { get; }

    /// <summary>The caller frames the gateway publishes outside recordings.</summary>
    public InboundAudioDemand NearVoice { get; }

    /// <summary>The voice text is said with (cached, with its fallback).</summary>
    public ISpeechSynthesizer VoiceForText { get; }
}
