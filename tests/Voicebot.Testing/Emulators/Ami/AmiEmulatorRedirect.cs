namespace Voicebot.Testing.Emulators.Ami;

/// <summary>A <c>Redirect</c> the <see cref="AmiEmulator"/> accepted.</summary>
public sealed record AmiEmulatorRedirect(string Channel, string Context, string Exten, string Priority);
