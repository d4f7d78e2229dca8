using System.Text.Json;
using Voicebot.Abstractions.Phrases;

namespace Voicebot.Cli.Calling;

/// <summary>
/// Reads rendered phrases from a phrase cache directory laid out as <c>{directory}/{sampleRate}/{key}-{hash}.pcm</c>
/// (raw 16-bit mono PCM). Texts come from an optional JSON object of key → text (e.g. <c>assets/phrases/fr.json</c>);
/// without it a phrase's text is its key.
/// </summary>
public sealed class PhraseCacheDirectorySource(string directory, string? textsFile = null) : IKnownPhraseSource
{
    public async Task<IReadOnlyList<PhraseAudio>> GetPhrasesAsync(int sampleRate, CancellationToken cancellationToken = default)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (textsFile is not null && File.Exists(textsFile))
        {
            await using var stream = File.OpenRead(textsFile);
            texts = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, cancellationToken: cancellationToken) ?? texts;
        }

        var rateDirectory = Path.Combine(directory, sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(rateDirectory))
        {
            return [];
        }

        var phrases = new List<PhraseAudio>();
        foreach (var file in Directory.EnumerateFiles(rateDirectory, "*.pcm"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var dash = name.LastIndexOf('-');
            var key = dash > 0 ? name[..dash] : name;
            var pcm = await File.ReadAllBytesAsync(file, cancellationToken);
            phrases.Add(new PhraseAudio(key, texts.GetValueOrDefault(key, key), pcm, sampleRate));
        }

        return phrases;
    }
}
