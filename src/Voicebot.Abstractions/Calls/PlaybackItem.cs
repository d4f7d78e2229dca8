namespace Voicebot.Abstractions.Calls;

/// <summary>
/// A piece of bot audio to play: signed 16-bit little-endian PCM at <see cref="SampleRate"/>.
/// <see cref="Pcm"/> is never mutated after creation, which is what lets Orleans pass it without a copy.
/// </summary>
/// <param name="Id">Playback id, unique within the call; echoed in <see cref="ICallGrain.OnPlaybackFinishedAsync"/>.</param>
/// <param name="Label">What is played: a phrase key, or a short description for synthesized text.</param>
/// <param name="Pcm">The samples. The gateway pads the last frame with silence.</param>
/// <param name="SampleRate">Hz; matches the call's rate.</param>
/// <param name="MoreFollows">
/// Streamed speech: more chunks with the same <paramref name="Id"/> follow. The gateway then plays the chunks back to
/// back without padding between them, and reports the id finished only after the chunk sent without this flag.
/// </param>
[GenerateSerializer, Immutable, Alias("voicebot.playback-item")]
public sealed record PlaybackItem(
    [property: Id(0)] int Id,
    [property: Id(1)] string Label,
    [property: Id(2)] byte[] Pcm,
    [property: Id(3)] int SampleRate,
    [property: Id(4)] bool MoreFollows = false);
