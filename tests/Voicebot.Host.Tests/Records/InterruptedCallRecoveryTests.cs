using Voicebot.Host.Records;

namespace Voicebot.Host.Tests.Records;

public sealed class InterruptedCallRecoveryTests
{
    [Theory]
    [InlineData("S10.0.0.5:11111:155619835", "10.0.0.5:11111")]
    [InlineData("S127.0.0.1:1111:1", "127.0.0.1:1111")]   // not to be mistaken for port 11111
    [InlineData("S[::1]:11111:155619835", "[::1]:11111")]
    [InlineData("no-generation", null)]
    public void EndpointOf_SiloIdentity_IsItsAddressAndPortWithoutTheGeneration(string silo, string? endpoint)
    {
        Assert.Equal(endpoint, InterruptedCallRecovery.EndpointOf(silo));
    }
}
