using Microsoft.Extensions.Logging.Testing;
using Voicebot.Providers.Asterisk.Technicians;
using Voicebot.Providers.Asterisk.Tests.Support;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Technicians;

public sealed class AmiCallTransferTests
{
    private readonly FakeLogCollector _logs = new();

    [Fact]
    public async Task TransferAsync_ChannelFound_SetsTheCollectedDataThenRedirects()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var callId = Guid.NewGuid();
        emulator.AddChannel("PJSIP/trunk-00000001", new Dictionary<string, string> { ["VOICEBOT_CALL_ID"] = Guid.NewGuid().ToString() });
        emulator.AddChannel("PJSIP/trunk-00000002", new Dictionary<string, string> { ["VOICEBOT_CALL_ID"] = callId.ToString() });
        emulator.AddChannel("PJSIP/tech-00000003");
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);
        var slots = new Dictionary<string, string> { ["phone"] = "0612345678", ["problem"] = "internet", ["name_clip"] = "data/clips/a.wav" };

        var transferred = await Create(ami).TransferAsync(callId, slots, ct);

        Assert.True(transferred);
        var redirect = Assert.Single(emulator.Redirects);
        Assert.Equal(new AmiEmulatorRedirect("PJSIP/trunk-00000002", "voicebot-technicians", "s", "1"), redirect);
        Assert.Equal("0612345678", emulator.GetChannelVariable("PJSIP/trunk-00000002", "VOICEBOT_PHONE"));
        Assert.Equal("internet", emulator.GetChannelVariable("PJSIP/trunk-00000002", "VOICEBOT_PROBLEM"));
        Assert.Equal("data/clips/a.wav", emulator.GetChannelVariable("PJSIP/trunk-00000002", "VOICEBOT_NAME_CLIP"));
        Assert.Equal("transfer", emulator.GetChannelVariable("PJSIP/trunk-00000002", "VOICEBOT_OUTCOME"));
        Assert.Contains("__VOICEBOT_PHONE", emulator.GetChannelVariableNames("PJSIP/trunk-00000002"));   // inherited by the technician's leg
        Assert.Null(emulator.GetChannelVariable("PJSIP/trunk-00000001", "VOICEBOT_PHONE"));
        Assert.Equal(["Login", "Status", "Setvar", "Setvar", "Setvar", "Setvar", "Redirect"], emulator.Actions);
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "AmiCallTransferred" && r.Message.Contains(callId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TransferAsync_ConfiguredDestinationAndNoInheritance_AreUsed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var callId = Guid.NewGuid();
        emulator.AddChannel("PJSIP/trunk-00000009", new Dictionary<string, string> { ["SAV_ID"] = callId.ToString().ToUpperInvariant() });
        var options = AmiTestClient.OptionsFor(emulator);
        options.CallIdVariable = "SAV_ID";
        options.VariablePrefix = "SAV_";
        options.InheritVariables = false;
        options.TransferContext = "from-bot";
        options.TransferExtension = "200";
        options.TransferPriority = "queue";
        await using var ami = await AmiTestClient.StartAsync(options, cancellationToken: ct);

        Assert.True(await Create(ami).TransferAsync(callId, new Dictionary<string, string> { ["problem"] = "ligne\r\ncoupée" }, ct));

        Assert.Equal(new AmiEmulatorRedirect("PJSIP/trunk-00000009", "from-bot", "200", "queue"), Assert.Single(emulator.Redirects));
        Assert.Equal("ligne coupée", emulator.GetChannelVariable("PJSIP/trunk-00000009", "SAV_PROBLEM"));
        Assert.Contains("SAV_PROBLEM", emulator.GetChannelVariableNames("PJSIP/trunk-00000009"));
    }

    [Fact]
    public async Task TransferAsync_NoChannelCarriesTheCallId_ReturnsFalseWithoutRedirecting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        emulator.AddChannel("PJSIP/trunk-00000001", new Dictionary<string, string> { ["VOICEBOT_CALL_ID"] = Guid.NewGuid().ToString() });
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        var transferred = await Create(ami).TransferAsync(Guid.NewGuid(), new Dictionary<string, string> { ["phone"] = "0612345678" }, ct);

        Assert.False(transferred);
        Assert.Empty(emulator.Redirects);
        Assert.Equal(0, emulator.CountActions("Setvar"));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "AmiCallChannelNotFound");
    }

    [Fact]
    public async Task TransferAsync_RedirectRefused_ReturnsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var callId = Guid.NewGuid();
        emulator.AddChannel("PJSIP/trunk-00000001", new Dictionary<string, string> { ["VOICEBOT_CALL_ID"] = callId.ToString() });
        emulator.FailRedirects = true;
        await using var ami = await AmiTestClient.StartAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        var transferred = await Create(ami).TransferAsync(callId, new Dictionary<string, string>(), ct);

        Assert.False(transferred);
        Assert.Empty(emulator.Redirects);
        var log = Assert.Single(_logs.GetSnapshot(), r => r.Id.Name == "AmiCallTransferRefused");
        Assert.Contains("Redirect failed, channel not up.", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransferAsync_AmiDown_ReturnsFalse()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var callId = Guid.NewGuid();
        emulator.AddChannel("PJSIP/trunk-00000001", new Dictionary<string, string> { ["VOICEBOT_CALL_ID"] = callId.ToString() });
        var options = AmiTestClient.OptionsFor(emulator);
        options.Secret = "not-the-secret";
        await using var ami = await AmiTestClient.StartAsync(options, waitForLogin: false, cancellationToken: ct);

        var transferred = await Create(ami).TransferAsync(callId, new Dictionary<string, string>(), ct);

        Assert.False(transferred);
        Assert.Empty(emulator.Redirects);
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Name == "AmiCallTransferUnavailable");
    }

    [Fact]
    public void ToVariableName_SlotNames_BecomeUpperCaseVariableNames()
    {
        Assert.Equal("NAME_CLIP", AmiCallTransfer.ToVariableName("name_clip"));
        Assert.Equal("PHONE", AmiCallTransfer.ToVariableName("phone"));
        Assert.Equal("CALL_BACK_AT", AmiCallTransfer.ToVariableName("call-back.at"));
    }

    private AmiCallTransfer Create(AmiTestClient ami) =>
        new(ami.Client, AmiTestClient.Wrap(ami.Options), AmiTestClient.Logger<AmiCallTransfer>(_logs));
}
