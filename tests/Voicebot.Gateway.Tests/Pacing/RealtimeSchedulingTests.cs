using System.Globalization;
using Voicebot.Gateway.Pacing;

namespace Voicebot.Gateway.Tests.Pacing;

public sealed class RealtimeSchedulingTests
{
    private const int SchedFifo = 1;

    [Fact]
    public void TryEnterFifo_OnAThread_ResultMatchesTheKernelsPolicyForThatThread()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Real-time scheduling is applied on Linux only.");

        // Permitted or not depends on who runs the tests (root, CAP_SYS_NICE, RLIMIT_RTPRIO): either way the result must
        // say what the kernel did, and the thread must keep running normally when refused.
        var (result, policy) = RunOnNewThread(() => (RealtimeScheduling.TryEnterFifo(10), ReadOwnPolicy()));

        Assert.Equal(result.Applied ? SchedFifo : 0, policy);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        if (!result.Applied)
        {
            Assert.Contains("not permitted", result.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void TryEnterFifo_PriorityOutOfRange_Throws(int priority) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RealtimeScheduling.TryEnterFifo(priority));

    /// <summary>The calling thread's scheduling policy: field 41 of /proc/thread-self/stat (0 normal, 1 FIFO).</summary>
    internal static int ReadOwnPolicy()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[41 - 3], CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="work"/> on a fresh thread (a real-time policy must not leak onto the test runner's).</summary>
    internal static T RunOnNewThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }
}
