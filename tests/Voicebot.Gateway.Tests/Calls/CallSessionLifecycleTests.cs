using Voicebot.Gateway.Calls;

namespace Voicebot.Gateway.Tests.Calls;

/// <summary>The call's lifecycle alone: every move from every state, what each state lets through, races. No sockets.</summary>
public sealed class CallSessionLifecycleTests
{
    /// <summary>The states a session can be in, each reached by the moves that lead there.</summary>
    public enum State
    {
        Active,
        DrainingForBot,
        DrainingForShutdown,
        DrainingAborted,
        HangingUp,
        Closed,
        Disposed,
    }

    public enum Move
    {
        RequestHangup,
        BeginShutdown,
        Abort,
        HangupWritten,
        Close,
        Dispose,
    }

    // Where each move leads from each state; null: illegal there (refused, nothing changes).
    private static readonly Dictionary<(State, Move), CallSessionPhase?> Moves = new()
    {
        [(State.Active, Move.RequestHangup)] = CallSessionPhase.Draining,
        [(State.Active, Move.BeginShutdown)] = CallSessionPhase.Draining,
        [(State.Active, Move.Abort)] = CallSessionPhase.Draining,
        [(State.Active, Move.HangupWritten)] = null,
        [(State.Active, Move.Close)] = CallSessionPhase.Closed,
        [(State.Active, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.DrainingForBot, Move.RequestHangup)] = null,
        [(State.DrainingForBot, Move.BeginShutdown)] = CallSessionPhase.Draining,
        [(State.DrainingForBot, Move.Abort)] = CallSessionPhase.Draining,
        [(State.DrainingForBot, Move.HangupWritten)] = CallSessionPhase.HangingUp,
        [(State.DrainingForBot, Move.Close)] = CallSessionPhase.Closed,
        [(State.DrainingForBot, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.DrainingForShutdown, Move.RequestHangup)] = null,
        [(State.DrainingForShutdown, Move.BeginShutdown)] = null,
        [(State.DrainingForShutdown, Move.Abort)] = CallSessionPhase.Draining,
        [(State.DrainingForShutdown, Move.HangupWritten)] = CallSessionPhase.HangingUp,
        [(State.DrainingForShutdown, Move.Close)] = CallSessionPhase.Closed,
        [(State.DrainingForShutdown, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.DrainingAborted, Move.RequestHangup)] = null,
        [(State.DrainingAborted, Move.BeginShutdown)] = null,
        [(State.DrainingAborted, Move.Abort)] = null,
        [(State.DrainingAborted, Move.HangupWritten)] = CallSessionPhase.HangingUp,
        [(State.DrainingAborted, Move.Close)] = CallSessionPhase.Closed,
        [(State.DrainingAborted, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.HangingUp, Move.RequestHangup)] = null,
        [(State.HangingUp, Move.BeginShutdown)] = null,
        [(State.HangingUp, Move.Abort)] = null,
        [(State.HangingUp, Move.HangupWritten)] = null,
        [(State.HangingUp, Move.Close)] = CallSessionPhase.Closed,
        [(State.HangingUp, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.Closed, Move.RequestHangup)] = null,
        [(State.Closed, Move.BeginShutdown)] = null,
        [(State.Closed, Move.Abort)] = null,
        [(State.Closed, Move.HangupWritten)] = null,
        [(State.Closed, Move.Close)] = null,
        [(State.Closed, Move.Dispose)] = CallSessionPhase.Disposed,

        [(State.Disposed, Move.RequestHangup)] = null,
        [(State.Disposed, Move.BeginShutdown)] = null,
        [(State.Disposed, Move.Abort)] = null,
        [(State.Disposed, Move.HangupWritten)] = null,
        [(State.Disposed, Move.Close)] = null,
        [(State.Disposed, Move.Dispose)] = null,
    };

    public static TheoryData<State, Move> EveryMoveFromEveryState()
    {
        var data = new TheoryData<State, Move>();
        foreach (var state in Enum.GetValues<State>())
        {
            foreach (var move in Enum.GetValues<Move>())
            {
                data.Add(state, move);
            }
        }

        return data;
    }

    [Fact]
    public void New_IsActive_AndLetsEverythingThrough()
    {
        var lifecycle = new CallSessionLifecycle();

        Assert.Equal(CallSessionPhase.Active, lifecycle.Phase);
        Assert.True(lifecycle.AcceptsPlayback && lifecycle.AcceptsFlush && lifecycle.AcceptsBargeIn);
        Assert.False(lifecycle.EndingForShutdown || lifecycle.Aborted || lifecycle.IsHangupWritten);
        Assert.False(lifecycle.HangsUpNow(hasAudio: false));
    }

    [Fact]
    public void MoveTable_CoversEveryStateAndMove()
    {
        Assert.Equal(Enum.GetValues<State>().Length * Enum.GetValues<Move>().Length, Moves.Count);
    }

    [Theory]
    [MemberData(nameof(EveryMoveFromEveryState))]
    public void Move_FromState_IsLegalOnlyWhereTheTableSays(State state, Move move)
    {
        var lifecycle = Reach(state);
        var before = Snapshot(lifecycle);
        var expected = Moves[(state, move)];

        var moved = Apply(lifecycle, move);

        Assert.Equal(expected is not null, moved);
        if (expected is { } phase)
        {
            Assert.Equal(phase, lifecycle.Phase);
        }
        else
        {
            Assert.Equal(before, Snapshot(lifecycle));   // refused: nothing changed
        }
    }

    [Theory]
    [MemberData(nameof(EveryMoveFromEveryState))]
    public void Move_NeverGoesBackwards(State state, Move move)
    {
        var lifecycle = Reach(state);
        var before = lifecycle.Phase;

        Apply(lifecycle, move);

        Assert.True(lifecycle.Phase >= before, $"{move} took {state} from {before} back to {lifecycle.Phase}.");
    }

    [Theory]
    [InlineData(State.Active, true, true, true)]
    [InlineData(State.DrainingForBot, true, true, true)]   // the bot may add audio after asking to hang up: it plays first
    [InlineData(State.DrainingForShutdown, false, false, false)]   // the goodbye is heard whole
    [InlineData(State.DrainingAborted, false, true, false)]   // the queue is already gone: a flush is harmless
    [InlineData(State.HangingUp, false, false, false)]   // the hang-up is queued behind the last audio: nothing is dropped
    [InlineData(State.Closed, false, false, false)]
    [InlineData(State.Disposed, false, false, false)]
    public void State_LetsThroughOnlyWhatItShould(State state, bool playback, bool flush, bool bargeIn)
    {
        var lifecycle = Reach(state);

        Assert.Equal((playback, flush, bargeIn), (lifecycle.AcceptsPlayback, lifecycle.AcceptsFlush, lifecycle.AcceptsBargeIn));
    }

    [Theory]
    [InlineData(State.Active, false, false)]
    [InlineData(State.DrainingForBot, false, true)]   // the bot's and the drain's hang-up wait for the queue to empty
    [InlineData(State.DrainingForShutdown, false, true)]
    [InlineData(State.DrainingAborted, true, true)]   // an abort does not wait
    [InlineData(State.HangingUp, false, false)]   // written once only
    [InlineData(State.Closed, false, false)]
    public void HangsUpNow_WhenDrainedOrAborted(State state, bool withAudio, bool withoutAudio)
    {
        var lifecycle = Reach(state);

        Assert.Equal((withAudio, withoutAudio), (lifecycle.HangsUpNow(hasAudio: true), lifecycle.HangsUpNow(hasAudio: false)));
    }

    [Fact]
    public void Close_IsIdempotent()
    {
        var lifecycle = new CallSessionLifecycle();

        var first = lifecycle.Close();
        var second = lifecycle.Close();

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(CallSessionPhase.Closed, lifecycle.Phase);
    }

    [Fact]
    public void Dispose_IsIdempotent_AndCloseAfterItChangesNothing()
    {
        var lifecycle = new CallSessionLifecycle();

        Assert.True(lifecycle.Dispose());
        Assert.False(lifecycle.Dispose());
        Assert.False(lifecycle.Close());
        Assert.Equal(CallSessionPhase.Disposed, lifecycle.Phase);
    }

    [Fact]
    public void HangupRequested_WhileDrainingForShutdown_LeavesTheDrainInCharge()
    {
        var lifecycle = Reach(State.DrainingForShutdown);

        var requested = lifecycle.RequestHangup();

        Assert.False(requested);
        Assert.True(lifecycle.EndingForShutdown);
        Assert.False(lifecycle.AcceptsPlayback);
        Assert.Equal(CallSessionPhase.Draining, lifecycle.Phase);
    }

    [Fact]
    public void Shutdown_WhileTheBotDrains_TakesTheCallOver()
    {
        var lifecycle = Reach(State.DrainingForBot);

        var took = lifecycle.BeginShutdown();

        Assert.True(took);
        Assert.True(lifecycle.EndingForShutdown);
        Assert.False(lifecycle.AcceptsPlayback || lifecycle.AcceptsFlush || lifecycle.AcceptsBargeIn);
        Assert.Equal(CallSessionEnd.HangupSent, lifecycle.HangupOutcome);
    }

    [Fact]
    public void Abort_DuringTheDrainsGoodbye_StillEndsForTheShutdown()
    {
        var lifecycle = Reach(State.DrainingForShutdown);

        lifecycle.Abort();
        lifecycle.HangupWritten();
        lifecycle.Close();

        Assert.True(lifecycle.EndingForShutdown);
        Assert.True(lifecycle.Aborted);
        Assert.Equal(CallSessionEnd.AbortSent, lifecycle.HangupOutcome);
        Assert.False(lifecycle.IsBotHangupWritten);
    }

    [Fact]
    public void Abort_OnceTheBotsHangupIsWritten_LeavesItTheBots()
    {
        var lifecycle = Reach(State.HangingUp);

        var aborted = lifecycle.Abort();

        Assert.False(aborted);
        Assert.Equal(CallSessionEnd.HangupSent, lifecycle.HangupOutcome);
        Assert.True(lifecycle.IsBotHangupWritten);
    }

    [Fact]
    public void HangupWritten_IsRememberedOnceClosedAndDisposed()
    {
        var lifecycle = Reach(State.HangingUp);

        lifecycle.Close();
        var closed = (lifecycle.IsHangupWritten, lifecycle.IsBotHangupWritten);
        lifecycle.Dispose();

        Assert.Equal((true, true), closed);
        Assert.Equal((true, true), (lifecycle.IsHangupWritten, lifecycle.IsBotHangupWritten));
    }

    [Fact]
    public void Closed_WithoutAHangup_WroteNone()
    {
        var lifecycle = Reach(State.DrainingForBot);

        lifecycle.Close();

        Assert.False(lifecycle.IsHangupWritten || lifecycle.IsBotHangupWritten);
    }

    [Fact]
    public void Abort_IsTheAbortsOutcome_AndNotTheBotsHangup()
    {
        var lifecycle = Reach(State.DrainingAborted);

        lifecycle.HangupWritten();

        Assert.Equal(CallSessionEnd.AbortSent, lifecycle.HangupOutcome);
        Assert.True(lifecycle.IsHangupWritten);
        Assert.False(lifecycle.IsBotHangupWritten);
    }

    [Fact]
    public async Task RacingMoves_EachWinsOnce_AndNoneIsLost()
    {
        const int Threads = 4;
        const int Rounds = 200;
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < Rounds; round++)
        {
            var lifecycle = new CallSessionLifecycle();
            var hangups = 0;
            var shutdowns = 0;
            var aborts = 0;
            var closes = 0;
            using var start = new Barrier(Threads);
            var racers = new Task[Threads];
            for (var i = 0; i < Threads; i++)
            {
                var role = i % 4;
                racers[i] = Task.Factory.StartNew(
                    () =>
                    {
                        start.SignalAndWait(ct);
                        _ = role switch
                        {
                            0 => lifecycle.RequestHangup() && Interlocked.Increment(ref hangups) > 0,
                            1 => lifecycle.BeginShutdown() && Interlocked.Increment(ref shutdowns) > 0,
                            2 => lifecycle.Abort() && Interlocked.Increment(ref aborts) > 0,
                            _ => lifecycle.Close() && Interlocked.Increment(ref closes) > 0,
                        };
                    },
                    ct,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            await Task.WhenAll(racers);

            Assert.Equal(1, closes);
            Assert.True(hangups <= 1 && shutdowns <= 1 && aborts <= 1);
            Assert.Equal(CallSessionPhase.Closed, lifecycle.Phase);
            Assert.Equal(shutdowns == 1, lifecycle.EndingForShutdown);   // a won move is never overwritten by another
            Assert.Equal(aborts == 1, lifecycle.Aborted);
        }
    }

    private static CallSessionLifecycle Reach(State state)
    {
        var lifecycle = new CallSessionLifecycle();
        var reached = state switch
        {
            State.Active => true,
            State.DrainingForBot => lifecycle.RequestHangup(),
            State.DrainingForShutdown => lifecycle.BeginShutdown(),
            State.DrainingAborted => lifecycle.Abort(),
            State.HangingUp => lifecycle.RequestHangup() && lifecycle.HangupWritten(),
            State.Closed => lifecycle.Close(),
            State.Disposed => lifecycle.Dispose(),
            _ => false,
        };
        Assert.True(reached, $"Could not reach {state}.");
        return lifecycle;
    }

    private static bool Apply(CallSessionLifecycle lifecycle, Move move) => move switch
    {
        Move.RequestHangup => lifecycle.RequestHangup(),
        Move.BeginShutdown => lifecycle.BeginShutdown(),
        Move.Abort => lifecycle.Abort(),
        Move.HangupWritten => lifecycle.HangupWritten(),
        Move.Close => lifecycle.Close(),
        Move.Dispose => lifecycle.Dispose(),
        _ => throw new ArgumentOutOfRangeException(nameof(move)),
    };

    private static (CallSessionPhase, bool, bool, bool) Snapshot(CallSessionLifecycle lifecycle) =>
        (lifecycle.Phase, lifecycle.EndingForShutdown, lifecycle.Aborted, lifecycle.IsHangupWritten);
}
