using System.Globalization;
using Voicebot.Testing.Network;

namespace Voicebot.Host.Tests.TestInfrastructure;

/// <summary>The test ports helper: test projects run as parallel processes and must never be handed the same port.</summary>
public sealed class LoopbackPortsTests
{
    [Fact]
    public void Take_APortTakenOnce_IsReservedForThisProcessAgainstEveryOther()
    {
        var first = LoopbackPorts.Take(50);
        var second = LoopbackPorts.Take(50);

        Assert.Empty(first.Intersect(second));
        Assert.All(first, port =>
        {
            // What another test process's LoopbackPorts finds: the reservation's lock is taken.
            var path = Path.Combine(Path.GetTempPath(), "voicebot-test-ports", port.ToString(CultureInfo.InvariantCulture));
            Assert.Throws<IOException>(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None).Dispose());
        });
    }
}
