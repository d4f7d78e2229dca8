using Voicebot.Protocol;

namespace Voicebot.Cli.Calling;

/// <summary>One audio message from the bot.</summary>
/// <param name="ArrivedAt">Time since the caller connected.</param>
/// <param name="Kind">The audio kind (0x10–0x18).</param>
/// <param name="Pcm">The payload: signed 16-bit little-endian mono PCM. Owned by this record.</param>
public sealed record ReceivedFrame(TimeSpan ArrivedAt, AudioSocketKind Kind, ReadOnlyMemory<byte> Pcm);
