using System.ComponentModel.DataAnnotations;

namespace Voicebot.Gateway.BargeIn;

/// <summary>
/// Local barge-in (section <c>BargeIn</c>): while the bot is playing, caller speech detected on the inbound audio flushes
/// the call's outbound queue at once, in the gateway, and then tells the call grain. Every default runs with no keys.
/// </summary>
public sealed class BargeInOptions
{
    public const string SectionName = "BargeIn";

    /// <summary>Whether the gateway listens for the caller talking over the bot. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// An inbound frame at or above this RMS level can be caller speech, dBFS (full-scale square wave = 0 dBFS).
    /// Default -35: above line noise, below normal speech on a telephone line.
    /// </summary>
    [Range(-90.0, 0.0)]
    public double SpeechThresholdDbfs { get; set; } = -35;

    /// <summary>
    /// Caller speech must last this long, in consecutive frames, before it interrupts the bot. Default 160 ms: a coughed
    /// "hm" or a click is shorter.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.020", "00:00:02")]
    public TimeSpan MinSpeech { get; set; } = TimeSpan.FromMilliseconds(160);

    /// <summary>
    /// Echo return loss assumed of the line, dB: an inbound frame quieter than the loudest bot frame sent within
    /// <see cref="EchoWindow"/>, minus this margin, is the bot's own echo and never caller speech. Default 12
    /// (telephone hybrids usually give more; 0 disables the margin, so only louder-than-the-bot audio interrupts).
    /// </summary>
    [Range(0.0, 60.0)]
    public double EchoReturnLossDb { get; set; } = 12;

    /// <summary>
    /// Echo delays considered: the bot frames sent from this long ago up to now are the echo reference for an inbound
    /// frame. Default 300 ms (round trip through Asterisk and a telephone network); at most 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan EchoWindow { get; set; } = TimeSpan.FromMilliseconds(300);
}
