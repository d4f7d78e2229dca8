using Voicebot.Providers.Asterisk.Ami;
using Voicebot.Providers.Asterisk.Tests.Support;
using Voicebot.Testing.Emulators.Ami;

namespace Voicebot.Providers.Asterisk.Tests.Ami;

public sealed class AmiProbeTests
{
    [Fact]
    public async Task CheckAsync_GoodCredentials_IsOkAndLogsOff()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);

        var result = await AmiProbe.CheckAsync(AmiTestClient.OptionsFor(emulator), cancellationToken: ct);

        Assert.True(result.Ok, result.Detail);
        Assert.Contains("Asterisk Call Manager/13.0.0", result.Detail, StringComparison.Ordinal);
        await AmiEmulator.WaitUntilAsync(() => emulator.CountActions("Logoff") == 1, ct);
    }

    [Fact]
    public async Task CheckAsync_BadSecret_SaysWhatToFixWithoutTheSecret()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await AmiEmulator.StartAsync(ct);
        var options = AmiTestClient.OptionsFor(emulator);
        options.Secret = "wrong-secret-5678";

        var result = await AmiProbe.CheckAsync(options, cancellationToken: ct);

        Assert.False(result.Ok);
        Assert.Contains("Authentication failed", result.Detail, StringComparison.Ordinal);
        Assert.Contains("Asterisk__Ami__Secret", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-5678", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_NothingListening_IsNotOk()
    {
        var ct = TestContext.Current.CancellationToken;
        AmiOptions options;
        await using (var gone = await AmiEmulator.StartAsync(ct))
        {
            options = AmiTestClient.OptionsFor(gone);
        }

        var result = await AmiProbe.CheckAsync(options, cancellationToken: ct);

        Assert.False(result.Ok);
        Assert.Contains("unreachable", result.Detail, StringComparison.Ordinal);
    }
}
