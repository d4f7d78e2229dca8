using System.Diagnostics;
using Voicebot.Bench.Load;

namespace Voicebot.Bench.Tests.Load;

public sealed class MachineWitnessTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    // Far from any real late tick of the witness in this test process.
    private static readonly long Base = long.MaxValue / 4;

    [Fact]
    public async Task Witness_TicksOutsideTheRuntime_ItsTicksAreCountedPerStep()
    {
        using var witness = new MachineWitness(realtimePriority: 0);
        Assert.Null(witness.Unavailable);   // the wire sender library is built with the gateway on Linux

        var ticks = 0L;
        while (ticks < 5)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            ticks += witness.TakeStep().Ticks;
        }

        var step = witness.TakeStep();
        Assert.True(step.Ticks < 1000, "each step counts only the ticks since the last one");
        Assert.Equal($"real-time priority 0 (off), one pinned to each of {Environment.ProcessorCount} CPUs", step.Scheduling);
    }

    [Fact]
    public void Explains_AGapTheWitnessWasHeldBackFor_IsTheMachines()
    {
        using var witness = new MachineWitness(realtimePriority: 0);
        witness.Record(Base + (5 * Ms), Base + (85 * Ms));

        Assert.True(witness.Explains(new FrameGap(Base, Base + (100 * Ms))));    // 80 of the 80 ms beyond the period
        Assert.False(witness.Explains(new FrameGap(Base + (500 * Ms), Base + (600 * Ms))));   // another instant
    }
}
