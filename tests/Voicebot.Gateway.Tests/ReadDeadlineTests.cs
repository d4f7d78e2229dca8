using Microsoft.Extensions.Time.Testing;

namespace Voicebot.Gateway.Tests;

public sealed class ReadDeadlineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly ReadDeadline _deadline;
    private int _wakes;

    public ReadDeadlineTests() => _deadline = new ReadDeadline(_time, () => _wakes++);

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public void Arm_ReadsMeanwhile_ExpiresOnTimeAnyway()
    {
        _deadline.Arm(Timeout);
        _time.Advance(Timeout / 2);
        _deadline.BeginRead();   // a partial UUID trickling in does not push the deadline back
        _time.Advance(Timeout / 2 - Tick);

        Assert.False(_deadline.Expired);
        _time.Advance(Tick);
        Assert.True(_deadline.Expired);
        Assert.Equal(1, _wakes);
    }

    [Fact]
    public void ArmIdle_AReadWaitsTheWholeTimeout_Expires()
    {
        _deadline.ArmIdle(Timeout);
        _deadline.BeginRead();
        _time.Advance(Timeout - Tick);

        Assert.False(_deadline.Expired);
        _time.Advance(Tick);
        Assert.True(_deadline.Expired);
        Assert.Equal(1, _wakes);
    }

    [Fact]
    public void ArmIdle_FramesKeepComing_NeverExpires()
    {
        _deadline.ArmIdle(Timeout);
        for (var i = 0; i < 1000; i++)
        {
            _deadline.BeginRead();
            _time.Advance(TimeSpan.FromMilliseconds(20));
            _deadline.EndRead();
        }

        Assert.False(_deadline.Expired);
        Assert.Equal(0, _wakes);
    }

    [Fact]
    public void ArmIdle_TheTimerFiresMidRead_CountsFromThatReadsStart()
    {
        _deadline.ArmIdle(Timeout);
        _deadline.BeginRead();
        _time.Advance(Timeout - TimeSpan.FromSeconds(1));
        _deadline.EndRead();
        _deadline.BeginRead();   // a frame came; the next read starts 1 s before the timer fires
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(_deadline.Expired);
        _time.Advance(Timeout - TimeSpan.FromSeconds(1) - Tick);
        Assert.False(_deadline.Expired);
        _time.Advance(Tick);
        Assert.True(_deadline.Expired);
    }

    [Fact]
    public void ArmIdle_ServingAFrameLongerThanTheTimeout_IsNotIdle()
    {
        _deadline.ArmIdle(Timeout);
        _deadline.BeginRead();
        _time.Advance(TimeSpan.FromMilliseconds(20));
        _deadline.EndRead();
        _time.Advance(Timeout * 2);   // the frame's publish waited on a slow grain

        Assert.False(_deadline.Expired);
        _deadline.BeginRead();
        _time.Advance(Timeout);
        Assert.True(_deadline.Expired);
    }

    [Fact]
    public void Disarm_AfterExpiry_ForgetsIt()
    {
        _deadline.Arm(Timeout);
        _time.Advance(Timeout);
        Assert.True(_deadline.Expired);

        _deadline.Disarm();
        _time.Advance(Timeout * 10);

        Assert.False(_deadline.Expired);
        Assert.Equal(1, _wakes);
    }

    [Fact]
    public void Dispose_ThenTheTimeComes_NothingHappens()
    {
        _deadline.Arm(Timeout);
        _deadline.Dispose();
        _time.Advance(Timeout * 2);

        Assert.False(_deadline.Expired);
        Assert.Equal(0, _wakes);
    }
}
