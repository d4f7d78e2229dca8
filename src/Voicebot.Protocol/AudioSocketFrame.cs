using System.Buffers;

namespace Voicebot.Protocol;

/// <summary>One AudioSocket message. <see cref="Payload"/> aliases the reader's buffer: use it before advancing.</summary>
public readonly record struct AudioSocketFrame(AudioSocketKind Kind, ReadOnlySequence<byte> Payload);
