using System.Runtime.CompilerServices;
using Voicebot.Abstractions;
using Voicebot.Abstractions.Speech;

namespace Voicebot.Grains.Speech;

/// <summary>
/// A voice with a replacement: when the primary fails before its first chunk, the fallback says the text instead; once
/// the caller has heard the primary, a failure is not papered over with another voice (the sentence would restart in a
/// different voice), it ends the synthesis. A failure the fallback made up for is reported to <paramref name="failed"/>,
/// so the call can count it; any other ends the synthesis as it would without a fallback.
/// </summary>
public sealed class FallbackSpeechSynthesizer(ISpeechSynthesizer primary, ISpeechSynthesizer fallback, Action<SpeechVoice, Exception> failed) : ISpeechSynthesizer
{
    public SpeechVoice Voice => primary.Voice;

    /// <summary>The failures a voice may have that another voice can make up for.</summary>
    public static bool IsVoiceFailure(Exception exception) =>
        exception is ProviderUnavailableException or SpeechSynthesisException or HttpRequestException;

    public async IAsyncEnumerable<SynthesizedAudio> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var chunks = primary.SynthesizeAsync(text, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var (primaryFailed, first) = await FirstChunkAsync(chunks);
        IAsyncEnumerator<SynthesizedAudio>? replacement = null;
        if (primaryFailed)
        {
            replacement = fallback.SynthesizeAsync(text, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }

        try
        {
            var source = replacement ?? chunks;
            if (first is { } chunk)
            {
                yield return chunk;
            }

            while (await source.MoveNextAsync())
            {
                yield return source.Current;
            }
        }
        finally
        {
            if (replacement is not null)
            {
                await replacement.DisposeAsync();
            }
        }
    }

    /// <summary>The primary's first chunk (none when it had nothing to say), or whether it failed first (reported).</summary>
    private async Task<(bool Failed, SynthesizedAudio? First)> FirstChunkAsync(IAsyncEnumerator<SynthesizedAudio> chunks)
    {
        try
        {
            return (false, await chunks.MoveNextAsync() ? chunks.Current : null);
        }
        catch (Exception ex) when (IsVoiceFailure(ex))
        {
            failed(primary.Voice, ex);
            return (true, null);
        }
    }
}
