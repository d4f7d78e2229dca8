using System.Text.Json;
using System.Text.Json.Serialization;
using Voicebot.Protocol;

namespace Voicebot.Cli.Calling;

/// <summary>Reads and validates <see cref="CallScenario"/> JSON (camelCase; unknown properties are errors, to catch typos).</summary>
public static class CallScenarioLoader
{
    private const string ResourcePrefix = "scenarios/";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Names of the scenarios built into the CLI (the files of <c>assets/scenarios</c> at build time).</summary>
    public static IReadOnlyList<string> BuiltInNames
    {
        get
        {
            var names = new List<string>();
            foreach (var resource in typeof(CallScenarioLoader).Assembly.GetManifestResourceNames())
            {
                if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resource.EndsWith(".json", StringComparison.Ordinal))
                {
                    names.Add(resource[ResourcePrefix.Length..^".json".Length]);
                }
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }

    /// <summary>Parses and validates one scenario.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed or the scenario is invalid.</exception>
    public static CallScenario Parse(string json, string source = "scenario")
    {
        CallScenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<CallScenario>(json, SerializerOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }

        if (scenario is null)
        {
            throw new InvalidDataException($"{source}: the file holds no scenario.");
        }

        Validate(scenario, source);
        return scenario;
    }

    /// <summary>
    /// Loads a scenario from a file path, or else by built-in name (<c>internet-fixed</c>, with or without <c>.json</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither a file nor a built-in scenario has this name.</exception>
    /// <exception cref="InvalidDataException">The scenario is invalid.</exception>
    public static async Task<CallScenario> LoadAsync(string fileOrName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileOrName);
        if (File.Exists(fileOrName))
        {
            var json = await File.ReadAllTextAsync(fileOrName, cancellationToken);
            return Parse(json, fileOrName);
        }

        var name = fileOrName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? fileOrName[..^".json".Length] : fileOrName;
        var stream = typeof(CallScenarioLoader).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json");
        if (stream is null)
        {
            throw new FileNotFoundException(
                $"No scenario file '{fileOrName}' and no built-in scenario of that name (built in: {string.Join(", ", BuiltInNames)}).",
                fileOrName);
        }

        await using (stream)
        {
            using var reader = new StreamReader(stream);
            var json = await reader.ReadToEndAsync(cancellationToken);
            return Parse(json, $"built-in scenario '{name}'");
        }
    }

    private static void Validate(CallScenario scenario, string source)
    {
        if (string.IsNullOrWhiteSpace(scenario.Name))
        {
            throw new InvalidDataException($"{source}: 'name' is empty.");
        }

        if (scenario.SampleRate is { } rate && !IsSupportedRate(rate))
        {
            throw new InvalidDataException($"{source}: sampleRate {rate} Hz has no AudioSocket audio kind.");
        }

        if (scenario.Steps is null || scenario.Steps.Count == 0)
        {
            throw new InvalidDataException($"{source}: 'steps' is empty.");
        }

        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            var step = scenario.Steps[i] ?? throw new InvalidDataException($"{source}: step {i + 1} is null.");
            ScenarioStepKind kind;
            try
            {
                kind = step.Kind;
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"{source}: step {i + 1}: {ex.Message}", ex);
            }

            var problem = kind switch
            {
                ScenarioStepKind.WaitForPrompt when !(step.WaitForPrompt!.TimeoutSeconds > 0) => "timeoutSeconds must be positive",
                ScenarioStepKind.WaitForPrompt when step.WaitForPrompt!.SilenceSeconds is { } quiet && !(quiet > 0) => "silenceSeconds must be positive",
                ScenarioStepKind.WaitForHangup when !(step.WaitForHangup!.TimeoutSeconds > 0) => "timeoutSeconds must be positive",
                ScenarioStepKind.Say when string.IsNullOrWhiteSpace(step.Say) => "'say' is empty",
                ScenarioStepKind.Dtmf when step.Dtmf!.Length == 0 || !step.Dtmf.All(AudioSocketPayload.IsDtmfDigit) => $"'{step.Dtmf}' is not a string of DTMF digits (0-9, *, #, A-D)",
                ScenarioStepKind.Silence when !(step.Silence >= 0) => "silence must be zero or more seconds",
                ScenarioStepKind.HangUp when step.HangUp != true => "hangUp must be true",
                ScenarioStepKind.SayAndHangUp when string.IsNullOrWhiteSpace(step.SayAndHangUp!.Text) => "sayAndHangUp.text is empty",
                ScenarioStepKind.SayAndHangUp when !(step.SayAndHangUp!.AfterSeconds > 0) => "sayAndHangUp.afterSeconds must be positive",
                _ => null,
            };

            if (problem is not null)
            {
                throw new InvalidDataException($"{source}: step {i + 1} ({kind}): {problem}.");
            }

            if (kind is ScenarioStepKind.HangUp or ScenarioStepKind.SayAndHangUp && i != scenario.Steps.Count - 1)
            {
                throw new InvalidDataException($"{source}: step {i + 1} ({kind}) ends the call, so it must be the last step.");
            }
        }
    }

    private static bool IsSupportedRate(int rate)
    {
        try
        {
            AudioSocketKinds.AudioKindFor(rate);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
