namespace Voicebot.Gateway.Calls;

/// <summary>
/// One connection's lifecycle: its <see cref="CallSessionPhase"/>, who asked for the hang-up (the drain, the gateway's
/// abort, else the bot) and whether the hang-up was written, in one word changed by compare-and-swap. Every legal move
/// is a method here; an illegal one returns <see langword="false"/> and changes nothing. Thread-safe and lock-free:
/// the control plane's calls, the pacer's tick, a flush's completion, the connection's read loop and the drain all move
/// it, and the connection reads it after the session's lock is gone.
/// </summary>
internal sealed class CallSessionLifecycle
{
    private const int PhaseMask = 0b111;
    private const int ForShutdownBit = 1 << 3;
    private const int AbortedBit = 1 << 4;
    private const int HangupWrittenBit = 1 << 5;

    private int _state;   // CallSessionPhase in the low bits, then the bits above

    public CallSessionPhase Phase => PhaseOf(Volatile.Read(ref _state));

    /// <summary>The drain took the call over (<see cref="BeginShutdown"/>): however it ends, it ended for the shutdown.</summary>
    public bool EndingForShutdown => Has(ForShutdownBit);

    /// <summary>The gateway aborted the call (<see cref="Abort"/>): its hang-up is not the bot's.</summary>
    public bool Aborted => Has(AbortedBit);

    /// <summary>The hang-up was written (<see cref="HangupWritten"/>); stays true once the session is closed.</summary>
    public bool IsHangupWritten => Has(HangupWrittenBit);

    /// <summary>The bot's own hang-up, not the gateway's abort, was written.</summary>
    public bool IsBotHangupWritten => (Volatile.Read(ref _state) & (HangupWrittenBit | AbortedBit)) == HangupWrittenBit;

    /// <summary>
    /// The control plane's audio is queued: while the call is live and neither the drain (its goodbye must be heard
    /// whole) nor an abort took it over. The bot may still add audio after asking for its hang-up: it plays first.
    /// </summary>
    public bool AcceptsPlayback => IsLiveWithout(Volatile.Read(ref _state), ForShutdownBit | AbortedBit);

    /// <summary>A barge-in drops the queue on the same terms as the control plane's audio is accepted.</summary>
    public bool AcceptsBargeIn => AcceptsPlayback;

    /// <summary>
    /// The control plane's flush drops the queue while the call is live, except during the drain's goodbye. Once the
    /// hang-up is written nothing is dropped: with the wire sender, a flush would drop the hang-up queued behind the
    /// last audio too.
    /// </summary>
    public bool AcceptsFlush => IsLiveWithout(Volatile.Read(ref _state), ForShutdownBit);

    /// <summary>How the session ends once its hang-up is on the socket.</summary>
    public CallSessionEnd HangupOutcome => Aborted ? CallSessionEnd.AbortSent : CallSessionEnd.HangupSent;

    /// <summary>
    /// Whether the next frame is the hang-up: draining, and aborted or nothing left to play
    /// (<paramref name="hasAudio"/>).
    /// </summary>
    public bool HangsUpNow(bool hasAudio)
    {
        var state = Volatile.Read(ref _state);
        return PhaseOf(state) == CallSessionPhase.Draining && ((state & AbortedBit) != 0 || !hasAudio);
    }

    /// <summary>The bot asks to hang up once its audio has played: <see cref="CallSessionPhase.Active"/> to <see cref="CallSessionPhase.Draining"/>.</summary>
    /// <returns><see langword="false"/> when a hang-up was already asked for or the session is closed.</returns>
    public bool RequestHangup() =>
        TryMove(static state => PhaseOf(state) == CallSessionPhase.Active ? With(state, CallSessionPhase.Draining) : state);

    /// <summary>
    /// The drain takes the call over, to play its goodbye and hang up: from <see cref="CallSessionPhase.Active"/>, or
    /// <see cref="CallSessionPhase.Draining"/> for the bot's own hang-up, to <see cref="CallSessionPhase.Draining"/>.
    /// </summary>
    /// <returns><see langword="false"/> when the call was already ending otherwise (aborted, hung up, closed) or for the shutdown.</returns>
    public bool BeginShutdown() =>
        TryMove(static state => IsLiveWithout(state, ForShutdownBit | AbortedBit)
            ? With(state, CallSessionPhase.Draining) | ForShutdownBit
            : state);

    /// <summary>
    /// The gateway aborts the call: the queue is dropped and the hang-up goes at once. From
    /// <see cref="CallSessionPhase.Active"/> or <see cref="CallSessionPhase.Draining"/> (the drain's goodbye is cut too).
    /// </summary>
    /// <returns>
    /// <see langword="false"/> when already aborted, or once a hang-up is written (it is already on its way) or the
    /// session closed.
    /// </returns>
    public bool Abort() =>
        TryMove(static state => IsLiveWithout(state, AbortedBit)
            ? With(state, CallSessionPhase.Draining) | AbortedBit
            : state);

    /// <summary>The hang-up was written or queued: <see cref="CallSessionPhase.Draining"/> to <see cref="CallSessionPhase.HangingUp"/>.</summary>
    /// <returns><see langword="false"/> when no hang-up was asked for, or it was already written.</returns>
    public bool HangupWritten() =>
        TryMove(static state => PhaseOf(state) == CallSessionPhase.Draining
            ? With(state, CallSessionPhase.HangingUp) | HangupWrittenBit
            : state);

    /// <summary>Nothing more is written, from any phase before <see cref="CallSessionPhase.Closed"/>. Idempotent.</summary>
    /// <returns><see langword="true"/> for the call that closed it.</returns>
    public bool Close() =>
        TryMove(static state => PhaseOf(state) < CallSessionPhase.Closed ? With(state, CallSessionPhase.Closed) : state);

    /// <summary>The connection let go of the session, from any phase. Idempotent.</summary>
    /// <returns><see langword="true"/> for the call that disposed it.</returns>
    public bool Dispose() =>
        TryMove(static state => PhaseOf(state) < CallSessionPhase.Disposed ? With(state, CallSessionPhase.Disposed) : state);

    private static CallSessionPhase PhaseOf(int state) => (CallSessionPhase)(state & PhaseMask);

    private static int With(int state, CallSessionPhase phase) => (state & ~PhaseMask) | (int)phase;

    // Active or Draining (nothing written yet that ends the call) and none of the given bits.
    private static bool IsLiveWithout(int state, int bits) => PhaseOf(state) <= CallSessionPhase.Draining && (state & bits) == 0;

    private bool Has(int bit) => (Volatile.Read(ref _state) & bit) != 0;

    private bool TryMove(Func<int, int> next)
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            var moved = next(state);
            if (moved == state)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _state, moved, state);
            if (seen == state)
            {
                return true;
            }

            state = seen;
        }
    }
}
