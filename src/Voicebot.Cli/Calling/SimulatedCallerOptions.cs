namespace Voicebot.Cli.Calling;

/// <summary>Settings of a <see cref="SimulatedCaller"/>. The defaults behave like Asterisk's <c>AudioSocket()</c> app on a 20 ms SIP leg.</summary>
public sealed record SimulatedCallerOptions
{
    /// <summary>The call id sent in the UUID message; <see langword="null"/> = a new random id.</summary>
    public Guid? CallId { get; init; }

    /// <summary>Call sample rate in Hz: 8000 (kind 0x10, 320-byte frames, the default) or 16000 (kind 0x12, 640-byte frames).</summary>
    public int SampleRate { get; init; } = 8000;

    /// <summary>How long the TCP connect may take. Default 5 s (Asterisk allows 2 s per address).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a key is held: audio frames are withheld meanwhile and the DTMF message is sent at the key's end, as Asterisk does. Default 60 ms.</summary>
    public TimeSpan DtmfToneDuration { get; init; } = TimeSpan.FromMilliseconds(60);

    /// <summary>Silence after each key before the next one. Default 40 ms (so keys are 100 ms apart).</summary>
    public TimeSpan DtmfGap { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>A received frame whose RMS is above this (16-bit scale) counts as bot speech. Default 64.</summary>
    public double BotSpeechRmsThreshold { get; init; } = 64;

    /// <summary>The bot has finished a prompt after this much silence (silent frames, or no frames at all). Default 600 ms.</summary>
    public TimeSpan BotSilenceToFinish { get; init; } = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// Close the connection when the bot sends a kind Asterisk rejects (anything but 0x00 and 0x10–0x18), as real Asterisk
    /// drops the call. Default <see langword="true"/>. The violation is recorded either way.
    /// </summary>
    public bool HangUpOnProtocolViolation { get; init; } = true;

    /// <summary>Publish each received audio frame to <see cref="SimulatedCaller.ReadBotAudioAsync"/> (for live display). Default <see langword="false"/>.</summary>
    public bool PublishBotAudio { get; init; }

    /// <summary>Clock for pacing and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
