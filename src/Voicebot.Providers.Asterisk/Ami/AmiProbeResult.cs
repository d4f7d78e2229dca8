namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>What <see cref="AmiProbe.CheckAsync"/> found: <see cref="Ok"/> and a one-line explanation (with the fix when not ok).</summary>
public sealed record AmiProbeResult(bool Ok, string Detail);
