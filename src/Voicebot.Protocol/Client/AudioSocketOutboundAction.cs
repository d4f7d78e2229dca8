namespace Voicebot.Protocol.Client;

/// <summary>What a client's paced send loop does on one 20 ms tick.</summary>
public enum AudioSocketOutboundAction
{
    /// <summary>Sends a frame of silence (the loop clears the payload): a live line never stops sending audio.</summary>
    Silence,

    /// <summary>Sends the audio frame the source wrote into the payload.</summary>
    Audio,

    /// <summary>Sends one DTMF message instead of an audio frame.</summary>
    Dtmf,

    /// <summary>Sends nothing this tick (Asterisk withholds audio while a key is held).</summary>
    Withhold,

    /// <summary>Sends nothing and ends the loop: the caller hangs up.</summary>
    HangUp,
}
