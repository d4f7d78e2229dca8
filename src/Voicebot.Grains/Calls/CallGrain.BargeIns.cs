namespace Voicebot.Grains.Calls;

/// <summary>Tells true barge-ins from false ones (noise or echo cut the bot off) for <see cref="CallMetrics.FalseBargeIn"/>.</summary>
public sealed partial class CallGrain
{
    // Set by a barge-in the gateway's detector decided on (words are usable input already); cleared by the caller's
    // next words or key; still set when the turn ends with neither, which makes the barge-in a false one.
    private bool _bargeInAwaitingInput;

    private void BargeInHeard(bool byWords) => _bargeInAwaitingInput = !byWords;

    private void CallerAnswered() => _bargeInAwaitingInput = false;

    private void CallerTurnEndedWithoutInput()
    {
        if (_bargeInAwaitingInput)
        {
            _bargeInAwaitingInput = false;
            _metrics.FalseBargeIn();
        }
    }
}
