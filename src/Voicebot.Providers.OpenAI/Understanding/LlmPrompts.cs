using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Voicebot.Providers.OpenAI.Understanding;

/// <summary>
/// The per-state system prompts, <c>{directory}/{language}/{STATE}.md</c>, else <c>{directory}/{language}/default.md</c>.
/// Files are read once and cached (a missing file is not cached, so adding one needs no restart). Thread-safe.
/// </summary>
internal sealed class LlmPrompts(string directory, ILogger logger)
{
    public const string DefaultName = "default";

    private readonly ConcurrentDictionary<(string Language, string State), string> _cache = new();

    public string Directory { get; } = directory;

    /// <exception cref="FileNotFoundException">Neither the state's file nor the language's default exists.</exception>
    public string Get(string language, string state) => _cache.GetOrAdd((language, state), Load);

    private string Load((string Language, string State) key)
    {
        if (!IsSafeName(key.Language))
        {
            throw new FileNotFoundException($"No system prompt for language '{key.Language}'.");
        }

        var languageDirectory = Path.Combine(Directory, key.Language);
        string[] candidates = IsSafeName(key.State)
            ? [Path.Combine(languageDirectory, key.State + ".md"), Path.Combine(languageDirectory, DefaultName + ".md")]
            : [Path.Combine(languageDirectory, DefaultName + ".md")];
        foreach (var path in candidates)
        {
            if (File.Exists(path))
            {
                OpenAILog.LlmPromptLoaded(logger, path);
                return File.ReadAllText(path).Trim();
            }
        }

        throw new FileNotFoundException($"No system prompt for state {key.State} in {languageDirectory} (nor {DefaultName}.md).", candidates[^1]);
    }

    // State and language names become file names: letters, digits, '_' and '-' only.
    private static bool IsSafeName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                return false;
            }
        }

        return true;
    }
}
