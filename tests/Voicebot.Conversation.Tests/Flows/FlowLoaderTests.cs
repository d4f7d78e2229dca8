using System.Text.Json.Nodes;
using Voicebot.Abstractions.Calls;
using Voicebot.Conversation.Flows;
using Voicebot.Conversation.Phrases;
using Voicebot.Conversation.Understanding;

namespace Voicebot.Conversation.Tests.Flows;

public sealed class FlowLoaderTests
{
    public static TheoryData<string> FlowFiles =>
        [.. Directory.GetFiles(RepositoryPaths.Flows, "*.json").Select(path => Path.GetFileNameWithoutExtension(path)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(FlowFiles))]
    public void Load_EveryShippedFlow_IsValid(string name)
    {
        var flow = FlowLoader.Load(RepositoryPaths.Flows, name, TestAssets.French);

        Assert.Equal(name, flow.Name);
        Assert.Contains(flow.InitialState, flow.States.Keys);
    }

    [Fact]
    public void Load_Sav_HasTheSeedStatesAndTransitions()
    {
        var flow = FlowLoader.Load(RepositoryPaths.Flows, "sav", TestAssets.French);

        Assert.Equal("fr", flow.Language);
        Assert.Equal("WELCOME", flow.InitialState);
        Assert.Equal("ERROR", flow.ErrorState);
        Assert.Equal("CHECK_TECHNICIAN", flow.HumanRequestState);
        Assert.Equal(
            ["CHECK_TECHNICIAN", "DIAGNOSTIC", "ERROR", "GOODBYE", "GOODBYE_CALLBACK", "IDENTIFICATION_NAME", "IDENTIFICATION_PHONE",
             "SOLUTION_INTERNET", "SOLUTION_MOBILE", "TRANSFER", "VERIFICATION", "WELCOME"],
            flow.States.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            [new FlowChoice('1', Intent.Internet, "internet", "SOLUTION_INTERNET"), new FlowChoice('2', Intent.Mobile, "mobile", "SOLUTION_MOBILE")],
            flow.GetState("DIAGNOSTIC").Options);
        Assert.Equal(new FlowCheckBranch("TRANSFER", "available"), flow.GetState("CHECK_TECHNICIAN").OnTrue);
        Assert.Equal(CallOutcomeKind.NoTechnician, flow.GetState("GOODBYE_CALLBACK").Outcome);
        Assert.Equal(TimeSpan.FromSeconds(10), flow.GetState("IDENTIFICATION_NAME").RecordingMaxDuration);
        Assert.Equal(new FlowSystemPhrases("are_you_there", "goodbye_silence", "goodbye_max_duration", "error", "not_understood"), flow.System);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAccepted()
    {
        var compact = SavJson().ToJsonString();
        var json = "// SAV\n" + compact[..^1] + ",}";

        var flow = FlowLoader.Parse(json, TestAssets.French);

        Assert.Equal("sav", flow.Name);
    }

    [Theory]
    [InlineData("unknown-next", "state 'SOLUTION_INTERNET'", "goes to unknown state 'VERIFICATON'")]
    [InlineData("unknown-option-next", "state 'DIAGNOSTIC'", "option 2 goes to unknown state 'NOWHERE'")]
    [InlineData("unknown-branch-next", "state 'CHECK_TECHNICIAN'", "'onFalse' goes to unknown state 'NOWHERE'")]
    [InlineData("unknown-prompt", "state 'WELCOME'", "unknown phrase 'bienvenue'")]
    [InlineData("unknown-retry-prompt", "state 'DIAGNOSTIC'", "retryPrompts uses unknown phrase 'oops'")]
    [InlineData("unknown-system-phrase", "Flow 'sav':", "system.silenceReprompt uses unknown phrase 'allo'")]
    [InlineData("missing-initial-state", "Flow 'sav':", "initialState 'ACCUEIL' is not a state")]
    [InlineData("no-initial-state", "Flow 'sav':", "'initialState' is missing")]
    [InlineData("choice-without-options", "state 'DIAGNOSTIC'", "'options' is missing (at $.states.DIAGNOSTIC)")]
    [InlineData("choice-empty-options", "state 'DIAGNOSTIC'", "needs a non-empty 'options' array")]
    [InlineData("duplicate-dtmf", "state 'DIAGNOSTIC'", "option 2 reuses DTMF key '1'")]
    [InlineData("duplicate-intent", "state 'VERIFICATION'", "option 2 reuses intent 'yes'")]
    [InlineData("unknown-intent", "state 'DIAGNOSTIC'", "unknown intent 'fibre'")]
    [InlineData("bad-dtmf", "state 'DIAGNOSTIC'", "DTMF key '12'")]
    [InlineData("option-without-key-or-intent", "state 'DIAGNOSTIC'", "needs a 'dtmf' key or an 'intent'")]
    [InlineData("unknown-expect", "state 'DIAGNOSTIC'", "expect 'menu' is unknown")]
    [InlineData("unknown-property", "state 'DIAGNOSTIC'", "does not take 'retryPrompt'")]
    [InlineData("property-of-other-kind", "state 'WELCOME'", "does not take 'options'")]
    [InlineData("end-without-outcome", "state 'GOODBYE'", "'outcome' is missing")]
    [InlineData("unknown-outcome", "state 'GOODBYE'", "outcome 'Happy' is unknown")]
    [InlineData("end-without-reason", "state 'GOODBYE'", "'reason' is missing")]
    [InlineData("error-state-not-end", "state 'DIAGNOSTIC'", "errorState must be an 'end' state")]
    [InlineData("unknown-error-state", "Flow 'sav':", "errorState 'OOPS' is not a state")]
    [InlineData("unknown-human-request", "Flow 'sav':", "humanRequest 'AGENT' is not a state")]
    [InlineData("unreachable-state", "state 'ORPHAN'", "cannot be reached")]
    [InlineData("recording-silence-too-long", "state 'IDENTIFICATION_NAME'", "'endSilenceSeconds' must be shorter than 'maxSeconds'")]
    [InlineData("recording-without-max", "state 'IDENTIFICATION_NAME'", "'maxSeconds' is missing (at $.states.IDENTIFICATION_NAME)")]
    [InlineData("recording-without-slot", "state 'IDENTIFICATION_NAME'", "'slot' is missing")]
    [InlineData("phone-without-next", "state 'IDENTIFICATION_PHONE'", "'next' is missing")]
    [InlineData("none-without-prompts", "state 'WELCOME'", "needs prompts")]
    [InlineData("check-without-on-true", "state 'CHECK_TECHNICIAN'", "'onTrue' is missing (at $.states.CHECK_TECHNICIAN)")]
    [InlineData("lower-case-state", "state 'welcome2'", "must be upper case")]
    [InlineData("language-mismatch", "Flow 'sav':", "language 'en' does not match the 'fr' phrase catalog")]
    [InlineData("no-system", "Flow 'sav':", "'system' is missing")]
    [InlineData("no-states", "Flow 'sav':", "'states' is missing")]
    [InlineData("bad-slot", "state 'DIAGNOSTIC'", "slot 'Problem' must use lower-case")]
    [InlineData("read-back-without-digit-phrases", "state 'IDENTIFICATION_PHONE'", "readBackDigits uses unknown phrase 'digit_0'")]
    [InlineData("silence-reprompt-alone", "state 'VERIFICATION'", "go together")]
    [InlineData("silence-reprompt-after-give-up", "state 'VERIFICATION'", "must be shorter than 'silenceGiveUpSeconds'")]
    [InlineData("silence-not-a-number", "state 'VERIFICATION'", "'silenceGiveUpSeconds' must be a number of seconds")]
    [InlineData("state-without-expect", "state 'DIAGNOSTIC'", "'expect' is missing (none, choice, phone, recording, check, end) (at $.states.DIAGNOSTIC)")]
    [InlineData("state-not-an-object", "state 'WELCOME'", "a state must be a JSON object (at $.states.WELCOME)")]
    [InlineData("null-state", "state 'WELCOME'", "a state must be a JSON object")]
    [InlineData("unknown-root-property", "Flow 'sav':", "the flow does not take 'flow' (allowed: name, description, language, initialState, errorState, humanRequest, system, states) (at $.flow)")]
    [InlineData("system-without-failure", "Flow 'sav':", "'system': 'failure' is missing (at $.system)")]
    [InlineData("system-not-an-object", "Flow 'sav':", "'system' must be a JSON object (at $.system)")]
    [InlineData("option-without-next", "state 'DIAGNOSTIC'", "option 1: 'next' is missing (at $.states.DIAGNOSTIC.options[0])")]
    [InlineData("option-next-not-a-string", "state 'DIAGNOSTIC'", "'next' must be a string (at $.states.DIAGNOSTIC.options[0].next)")]
    [InlineData("unknown-option-property", "state 'DIAGNOSTIC'", "option 2 does not take 'key' (allowed: dtmf, intent, value, next) (at $.states.DIAGNOSTIC.options[1].key)")]
    [InlineData("null-option", "state 'DIAGNOSTIC'", "option 2 must be an object")]
    [InlineData("prompt-not-a-string", "state 'WELCOME'", "'prompts' item 1 must be a string (at $.states.WELCOME.prompts[0])")]
    [InlineData("null-prompt", "state 'WELCOME'", "'prompts' must hold phrase keys (strings)")]
    [InlineData("prompts-not-an-array", "state 'WELCOME'", "'prompts' must be an array (at $.states.WELCOME.prompts)")]
    [InlineData("read-back-not-a-bool", "state 'IDENTIFICATION_PHONE'", "'readBackDigits' must be true or false (at $.states.IDENTIFICATION_PHONE.readBackDigits)")]
    [InlineData("unknown-branch-property", "state 'CHECK_TECHNICIAN'", "'onTrue' does not take 'then' (allowed: next, value) (at $.states.CHECK_TECHNICIAN.onTrue.then)")]
    [InlineData("null-next", "state 'WELCOME'", "'next' must be a string (at $.states.WELCOME.next)")]
    [InlineData("blank-reason", "state 'GOODBYE'", "'reason' must be a non-empty string")]
    [InlineData("recording-too-long", "state 'IDENTIFICATION_NAME'", "'maxSeconds' must be more than 0 and at most 120 seconds")]
    [InlineData("empty-states", "Flow 'sav':", "'states' is empty")]
    public void Parse_InvalidFlow_ThrowsNamingFlowStateAndProblem(string mutation, string where, string problem)
    {
        var root = SavJson();
        Mutate(root, mutation);
        var phrases = mutation == "read-back-without-digit-phrases"
            ? new PhraseCatalog("fr", TestAssets.French.Phrases.Where(p => !p.Key.StartsWith("digit_", StringComparison.Ordinal)).ToDictionary())
            : TestAssets.French;

        var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Parse(root.ToJsonString(), phrases));

        Assert.Contains("Flow 'sav'", error.Message, StringComparison.Ordinal);
        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExpectAfterTheOtherMembers_IsAccepted()
    {
        var root = SavJson();
        var diagnostic = root["states"]!["DIAGNOSTIC"]!.AsObject();
        diagnostic.Remove("expect");
        diagnostic["expect"] = "choice";

        var flow = FlowLoader.Parse(root.ToJsonString(), TestAssets.French);

        Assert.Equal(FlowStateKind.Choice, flow.GetState("DIAGNOSTIC").Kind);
    }

    [Fact]
    public void Parse_DtmfKeyWrittenAsANumber_IsAccepted()
    {
        var root = SavJson();
        root["states"]!["DIAGNOSTIC"]!["options"]![0]!["dtmf"] = 1;

        var flow = FlowLoader.Parse(root.ToJsonString(), TestAssets.French);

        Assert.Equal('1', flow.GetState("DIAGNOSTIC").Options[0].Dtmf);
    }

    [Theory]
    [InlineData("\"expect\":\"none\"", "state 'WELCOME': a state has 'expect' twice (at $.states.WELCOME.expect)")]
    [InlineData("\"next\":\"IDENTIFICATION_NAME\"", "state 'WELCOME': a 'none' state has 'next' twice (at $.states.WELCOME.next)")]
    [InlineData("\"language\":\"fr\"", "Flow 'sav': the flow has 'language' twice (at $.language)")]
    public void Parse_MemberGivenTwice_Throws(string member, string problem)
    {
        var json = SavJson().ToJsonString().Replace(member, member + "," + member, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Parse(json, TestAssets.French));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateState_Throws()
    {
        var json = SavJson().ToJsonString().Replace("\"states\":{", "\"states\":{\"ERROR\":{\"expect\":\"end\",\"outcome\":\"Error\",\"reason\":\"x\"},", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Parse(json, TestAssets.French));

        Assert.Contains("state 'ERROR': the state is defined twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedJson_ThrowsInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Parse("{ \"name\": \"sav\", ", TestAssets.French));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotAnObject_Throws()
    {
        var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Parse("[]", TestAssets.French));

        Assert.Contains("must be a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NameDifferentFromFile_Throws()
    {
        var directory = Directory.CreateTempSubdirectory("flows-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "other.json"), SavJson().ToJsonString());

            var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Load(directory.FullName, "other", TestAssets.French));

            Assert.Contains("must be named like its file ('other')", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_InvalidFlowFile_MessageStartsWithThePath()
    {
        var directory = Directory.CreateTempSubdirectory("flows-");
        try
        {
            var root = SavJson();
            Mutate(root, "unknown-next");
            var path = Path.Combine(directory.FullName, "sav.json");
            File.WriteAllText(path, root.ToJsonString());

            var error = Assert.Throws<InvalidDataException>(() => FlowLoader.Load(directory.FullName, "sav", TestAssets.French));

            Assert.StartsWith(path + ": Flow 'sav', state 'SOLUTION_INTERNET'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => FlowLoader.Load(RepositoryPaths.Flows, "does-not-exist", TestAssets.French));
    }

    [Fact]
    public void Load_Sav_GivesVerificationLongerSilenceTimeouts()
    {
        var flow = FlowLoader.Load(RepositoryPaths.Flows, "sav", TestAssets.French);

        var verification = flow.GetState("VERIFICATION");

        Assert.Equal(TimeSpan.FromSeconds(45), verification.SilenceReprompt);
        Assert.Equal(TimeSpan.FromSeconds(90), verification.SilenceGiveUp);
        Assert.Null(flow.GetState("DIAGNOSTIC").SilenceReprompt);
    }

    [Theory]
    [InlineData("../sav")]
    [InlineData("SAV")]
    [InlineData("")]
    public void Load_NameThatIsNotAPlainFlowName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => FlowLoader.Load(RepositoryPaths.Flows, name, TestAssets.French));
    }

    private static JsonObject SavJson() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Flows, "sav.json")))!.AsObject();

    private static void Mutate(JsonObject root, string mutation)
    {
        var states = root["states"]!.AsObject();
        JsonObject State(string name) => states[name]!.AsObject();
        JsonArray Options(string name) => State(name)["options"]!.AsArray();
        switch (mutation)
        {
            case "unknown-next":
                State("SOLUTION_INTERNET")["next"] = "VERIFICATON";
                break;
            case "unknown-option-next":
                Options("DIAGNOSTIC")[1]!["next"] = "NOWHERE";
                break;
            case "unknown-branch-next":
                State("CHECK_TECHNICIAN")["onFalse"]!["next"] = "NOWHERE";
                break;
            case "unknown-prompt":
                State("WELCOME")["prompts"] = new JsonArray("bienvenue");
                break;
            case "unknown-retry-prompt":
                State("DIAGNOSTIC")["retryPrompts"] = new JsonArray("oops");
                break;
            case "unknown-system-phrase":
                root["system"]!["silenceReprompt"] = "allo";
                break;
            case "missing-initial-state":
                root["initialState"] = "ACCUEIL";
                break;
            case "no-initial-state":
                root.Remove("initialState");
                break;
            case "silence-reprompt-alone":
                State("VERIFICATION").Remove("silenceGiveUpSeconds");
                break;
            case "silence-reprompt-after-give-up":
                State("VERIFICATION")["silenceRepromptSeconds"] = 120;
                break;
            case "silence-not-a-number":
                State("VERIFICATION")["silenceGiveUpSeconds"] = "long";
                break;
            case "choice-without-options":
                State("DIAGNOSTIC").Remove("options");
                break;
            case "choice-empty-options":
                State("DIAGNOSTIC")["options"] = new JsonArray();
                break;
            case "duplicate-dtmf":
                Options("DIAGNOSTIC")[1]!["dtmf"] = "1";
                break;
            case "duplicate-intent":
                Options("VERIFICATION")[1]!["intent"] = "yes";
                break;
            case "unknown-intent":
                Options("DIAGNOSTIC")[0]!["intent"] = "fibre";
                break;
            case "bad-dtmf":
                Options("DIAGNOSTIC")[0]!["dtmf"] = "12";
                break;
            case "option-without-key-or-intent":
                Options("DIAGNOSTIC")[0]!.AsObject().Remove("dtmf");
                Options("DIAGNOSTIC")[0]!.AsObject().Remove("intent");
                break;
            case "unknown-expect":
                State("DIAGNOSTIC")["expect"] = "menu";
                break;
            case "unknown-property":
                State("DIAGNOSTIC")["retryPrompt"] = new JsonArray("ask_problem");
                break;
            case "property-of-other-kind":
                State("WELCOME")["options"] = new JsonArray();
                break;
            case "end-without-outcome":
                State("GOODBYE").Remove("outcome");
                break;
            case "unknown-outcome":
                State("GOODBYE")["outcome"] = "Happy";
                break;
            case "end-without-reason":
                State("GOODBYE").Remove("reason");
                break;
            case "error-state-not-end":
                root["errorState"] = "DIAGNOSTIC";
                break;
            case "unknown-error-state":
                root["errorState"] = "OOPS";
                break;
            case "unknown-human-request":
                root["humanRequest"] = "AGENT";
                break;
            case "unreachable-state":
                states["ORPHAN"] = new JsonObject { ["expect"] = "end", ["prompts"] = new JsonArray("error"), ["outcome"] = "Error", ["reason"] = "x" };
                break;
            case "recording-silence-too-long":
                State("IDENTIFICATION_NAME")["endSilenceSeconds"] = 10;
                break;
            case "recording-without-max":
                State("IDENTIFICATION_NAME").Remove("maxSeconds");
                break;
            case "recording-without-slot":
                State("IDENTIFICATION_NAME").Remove("slot");
                break;
            case "phone-without-next":
                State("IDENTIFICATION_PHONE").Remove("next");
                break;
            case "none-without-prompts":
                State("WELCOME").Remove("prompts");
                break;
            case "check-without-on-true":
                State("CHECK_TECHNICIAN").Remove("onTrue");
                break;
            case "lower-case-state":
                states["welcome2"] = new JsonObject { ["expect"] = "none", ["prompts"] = new JsonArray("welcome"), ["next"] = "WELCOME" };
                break;
            case "language-mismatch":
                root["language"] = "en";
                break;
            case "no-system":
                root.Remove("system");
                break;
            case "no-states":
                root.Remove("states");
                break;
            case "bad-slot":
                State("DIAGNOSTIC")["slot"] = "Problem";
                break;
            case "read-back-without-digit-phrases":
                break;
            case "state-without-expect":
                State("DIAGNOSTIC").Remove("expect");
                break;
            case "state-not-an-object":
                states["WELCOME"] = "welcome";
                break;
            case "null-state":
                states["WELCOME"] = null;
                break;
            case "unknown-root-property":
                root["flow"] = "sav";
                break;
            case "system-without-failure":
                root["system"]!.AsObject().Remove("failure");
                break;
            case "system-not-an-object":
                root["system"] = new JsonArray();
                break;
            case "option-without-next":
                Options("DIAGNOSTIC")[0]!.AsObject().Remove("next");
                break;
            case "option-next-not-a-string":
                Options("DIAGNOSTIC")[0]!["next"] = 3;
                break;
            case "unknown-option-property":
                Options("DIAGNOSTIC")[1]!["key"] = "2";
                break;
            case "null-option":
                Options("DIAGNOSTIC")[1] = null;
                break;
            case "prompt-not-a-string":
                State("WELCOME")["prompts"] = new JsonArray(1);
                break;
            case "null-prompt":
                State("WELCOME")["prompts"] = new JsonArray("welcome", null);
                break;
            case "prompts-not-an-array":
                State("WELCOME")["prompts"] = "welcome";
                break;
            case "read-back-not-a-bool":
                State("IDENTIFICATION_PHONE")["readBackDigits"] = "yes";
                break;
            case "unknown-branch-property":
                State("CHECK_TECHNICIAN")["onTrue"]!["then"] = "TRANSFER";
                break;
            case "null-next":
                State("WELCOME")["next"] = null;
                break;
            case "blank-reason":
                State("GOODBYE")["reason"] = " ";
                break;
            case "recording-too-long":
                State("IDENTIFICATION_NAME")["maxSeconds"] = 600;
                break;
            case "empty-states":
                root["states"] = new JsonObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, "Unknown mutation.");
        }
    }
}
