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

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Grain is not CallGrain || !context.TargetId.TryGetGuidKey(out var callId, out _))
        {
            await context.Invoke();
            return;
        }

        using (CallScope(logger, callId))
        {
            await context.Invoke();
        }
    }
}
