namespace Voicebot.Protocol.Client;

/// <summary>How a client's receive loop ended.</summary>
/// <param name="End">Why it returned.</param>
/// <param name="Error">
/// The <see cref="AudioSocketProtocolException"/> for <see cref="AudioSocketReceiveEnd.ProtocolViolation"/>, the socket
/// error for <see cref="AudioSocketReceiveEnd.ConnectionLost"/>; otherwise <see langword="null"/>.
/// </param>
public readonly record struct AudioSocketReceiveResult(AudioSocketReceiveEnd End, Exception? Error = null);
