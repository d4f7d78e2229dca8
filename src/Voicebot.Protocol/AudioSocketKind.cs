namespace Voicebot.Protocol;

/// <summary>AudioSocket message kinds, as defined in Asterisk's <c>include/asterisk/res_audiosocket.h</c>.</summary>
public enum AudioSocketKind : byte
{
    /// <summary>Ends the call. Only the bot sends it; Asterisk just closes the socket.</summary>
    Hangup = 0x00,

    /// <summary>First message from Asterisk: the call's 16-byte binary UUID.</summary>
    Uuid = 0x01,

    /// <summary>One ASCII DTMF digit, sent by Asterisk at the digit's end.</summary>
    Dtmf = 0x03,

    /// <summary>Signed linear 16-bit little-endian mono PCM at 8 kHz.</summary>
    Audio = 0x10,

    /// <summary>slin at 12 kHz (Asterisk ≥ 20.17 / 21.12 / 22.7 / 23.1 for 0x11–0x18).</summary>
    AudioSlin12 = 0x11,

    /// <summary>slin at 16 kHz.</summary>
    AudioSlin16 = 0x12,

    /// <summary>slin at 24 kHz.</summary>
    AudioSlin24 = 0x13,

    /// <summary>slin at 32 kHz.</summary>
    AudioSlin32 = 0x14,

    /// <summary>slin at 44.1 kHz.</summary>
    AudioSlin44 = 0x15,

    /// <summary>slin at 48 kHz.</summary>
    AudioSlin48 = 0x16,

    /// <summary>slin at 96 kHz.</summary>
    AudioSlin96 = 0x17,

    /// <summary>slin at 192 kHz.</summary>
    AudioSlin192 = 0x18,

    /// <summary>Defined by Asterisk but never sent by it.</summary>
    Error = 0xFF,
}
