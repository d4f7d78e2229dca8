using Voicebot.Grains.Calls;

namespace Voicebot.Host.Watching;

/// <summary>
/// Opens a <c>CallId</c> logging scope around every call into a <see cref="CallGrain"/>, so what the providers log on
/// the call's behalf (recognizer, interpreter, synthesizer, including work the grain starts off its thread) carries the
/// call id too, not only the grain's own lines.
/// </summary>
internal sealed class CallLogScopeFilter(ILogger<CallLogScopeFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly Func<ILogger, Guid, IDisposable?> CallScope = LoggerMessage.DefineScope<Guid>("CallId:{CallId}");

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Every grain call of the silo passes here (media frames included): pass the others through without an
        // async state machine of our own.
        return context.Grain is CallGrain && context.TargetId.TryGetGuidKey(out var callId, out _)
            ? InvokeInScopeAsync(context, callId)
            : context.Invoke();
    }

    private async Task InvokeInScopeAsync(IIncomingGrainCallContext context, Guid callId)
    {
        using (CallScope(logger, callId))
        {
            await context.Invoke();
        }
    }
}
