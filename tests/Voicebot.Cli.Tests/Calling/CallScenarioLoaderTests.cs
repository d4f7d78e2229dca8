using Voicebot.Cli.Calling;
using Voicebot.Cli.Tests.Support;

namespace Voicebot.Cli.Tests.Calling;

public sealed class CallScenarioLoaderTests
{
    public static TheoryData<string> ScenarioFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Find(), "assets", "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ScenarioFiles))]
    public async Task LoadAsync_EveryScenarioFile_ParsesAndValidates(string fileName)
    {
        var path = Path.Combine(RepositoryRoot.Find(), "assets", "scenarios", fileName);

        var scenario = await CallScenarioLoader.LoadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), scenario.Name);
        Assert.NotEmpty(scenario.Steps);
        Assert.All(scenario.Steps, step => Assert.NotEqual(ScenarioStepKind.None, step.Kind));
        Assert.False(string.IsNullOrWhiteSpace(scenario.Expect?.Outcome));
    }

    [Fact]
    public void BuiltInNames_AreTheScenarioFiles()
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Find(), "assets", "scenarios"), "*.json")
            .Select(file => Path.GetFileNameWithoutExtension(file)!)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(files, CallScenarioLoader.BuiltInNames);
        Assert.Contains("internet-fixed", files);
        Assert.Contains("mobile-not-fixed-transfer", files);
        Assert.Contains("mobile-not-fixed-no-technician", files);
        Assert.Contains("silent-caller", files);
        Assert.Contains("hangup-mid-sentence", files);
        Assert.Contains("wrong-keys", files);
    }

    [Fact]
    public async Task LoadAsync_BuiltInName_LoadsTheEmbeddedScenario()
    {
        var scenario = await CallScenarioLoader.LoadAsync("wrong-keys", TestContext.Current.CancellationToken);

        Assert.Equal("wrong-keys", scenario.Name);
        Assert.Contains(scenario.Steps, step => step.Dtmf == "12#");
        Assert.Contains(scenario.Steps, step => step.Dtmf == "7");
    }

    [Fact]
    public void Parse_EveryStepKind_ReadsItsValues()
    {
        const string Json = """
            {
              "name": "all", "sampleRate": 16000,
              "steps": [
                { "waitForPrompt": { "timeoutSeconds": 5, "silenceSeconds": 1 } },
                { "say": "Jean Dupont" },
                { "dtmf": "0612345678#" },
                { "silence": 2.5 },
                { "waitForHangup": {} },
                { "sayAndHangUp": { "text": "Bonjour je", "afterSeconds": 0.6 } }
              ],
              "expect": { "outcome": "resolved", "states": ["WELCOME"], "phrases": ["welcome"] }
            }
            """;

        var scenario = CallScenarioLoader.Parse(Json);

        Assert.Equal(16000, scenario.SampleRate);
        Assert.Equal(
            [ScenarioStepKind.WaitForPrompt, ScenarioStepKind.Say, ScenarioStepKind.Dtmf, ScenarioStepKind.Silence, ScenarioStepKind.WaitForHangup, ScenarioStepKind.SayAndHangUp],
            scenario.Steps.Select(s => s.Kind).ToArray());
        Assert.Equal(1, scenario.Steps[0].WaitForPrompt!.SilenceSeconds);
        Assert.Equal(2.5, scenario.Steps[3].Silence);
        Assert.Equal(40, scenario.Steps[4].WaitForHangup!.TimeoutSeconds);
        Assert.Equal(0.6, scenario.Steps[5].SayAndHangUp!.AfterSeconds);
        Assert.Equal(["welcome"], scenario.Expect!.Phrases);
    }

    [Theory]
    [InlineData("""{ "name": "x", "steps": [ { "say": "a", "dtmf": "1" } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ {} ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "dtmf": "12x" } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "sya": "typo" } ] }""")]
    [InlineData("""{ "name": "x", "steps": [] }""")]
    [InlineData("""{ "name": "x", "sampleRate": 11025, "steps": [ { "hangUp": true } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "hangUp": true }, { "say": "too late" } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "hangUp": false } ] }""")]
    [InlineData("""{ "name": "x", "steps": [ { "silence": -1 } ] }""")]
    [InlineData("""{ "steps": [ { "hangUp": true } ] }""")]
    [InlineData("""not json""")]
    public void Parse_InvalidScenario_ThrowsInvalidData(string json)
    {
        Assert.Throws<InvalidDataException>(() => CallScenarioLoader.Parse(json));
    }

    [Fact]
    public async Task LoadAsync_UnknownName_ThrowsFileNotFoundListingTheBuiltIns()
    {
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => CallScenarioLoader.LoadAsync("no-such-scenario", TestContext.Current.CancellationToken));

        Assert.Contains("internet-fixed", ex.Message, StringComparison.Ordinal);
    }
}
