using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Voicebot.Providers.Asterisk.Ami;

/// <summary>
/// Runs AMI connection attempts until the client stops, waiting between them on a Polly retry: exponential back-off
/// with jitter around <see cref="AmiOptions.ReconnectMinDelay"/> · 2^attempt, capped at <see cref="AmiOptions.ReconnectMaxDelay"/>,
/// and exactly <see cref="AmiOptions.ReconnectMaxDelay"/> after a refused login (hammering a wrong secret helps no one).
/// A connection that logged in and then dropped starts the back-off over. Waits go through the given <see cref="TimeProvider"/>.
/// </summary>
internal sealed class AmiReconnectLoop
{
    private readonly AmiOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<AmiSessionOutcome> _pipeline;

    /// <param name="options">The reconnect delays, and the host and port for the logs.</param>
    /// <param name="time">The clock every wait runs on.</param>
    /// <param name="logger">The client's logger (<c>AmiReconnecting</c>).</param>
    /// <param name="randomizer">The jitter's source of values in [0, 1); Polly's thread-safe random when null (tests pin it).</param>
    public AmiReconnectLoop(AmiOptions options, TimeProvider time, ILogger logger, Func<double>? randomizer = null)
    {
        _options = options;
        _logger = logger;
        var retry = new RetryStrategyOptions<AmiSessionOutcome>
        {
            ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.AttemptNumber)),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.ReconnectMinDelay,
            MaxDelay = options.ReconnectMaxDelay,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                args.Outcome.Result == AmiSessionOutcome.LoginRefused ? _options.ReconnectMaxDelay : null),
            OnRetry = args =>
            {
                // A refused login has already said when it retries (AmiLoginRefused).
                if (args.Outcome.Result != AmiSessionOutcome.LoginRefused)
                {
                    AsteriskLog.AmiReconnecting(_logger, _options.Host, _options.Port, args.RetryDelay, args.AttemptNumber + 1);
                }

                return default;
            },
        };
        if (randomizer is not null)
        {
            retry.Randomizer = randomizer;
        }

        _pipeline = new ResiliencePipelineBuilder<AmiSessionOutcome> { TimeProvider = time }.AddRetry(retry).Build();
    }

    /// <summary>
    /// Calls <paramref name="attemptAsync"/> (connect, log in, serve until the session ends; it must not throw) again and
    /// again until it returns <see cref="AmiSessionOutcome.Stopped"/> or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<AmiSessionOutcome>> attemptAsync, CancellationToken cancellationToken)
    {
        // Polly counts attempts per execution, so one execution covers one outage. A drop after retries ends the
        // execution, and the next one opens with that drop as its first failed attempt: the wait before reconnecting and
        // its log then come from the back-off, started over from ReconnectMinDelay.
        var reportDrop = false;
        while (true)
        {
            AmiSessionOutcome outcome;
            try
            {
                outcome = await _pipeline.ExecuteAsync(
                    async token =>
                    {
                        if (reportDrop)
                        {
                            reportDrop = false;
                            return AmiSessionOutcome.Dropped;
                        }

                        return await attemptAsync(token);
                    },
                    cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (outcome != AmiSessionOutcome.Dropped)
            {
                return;
            }

            reportDrop = true;
        }
    }

    private static bool ShouldRetry(Outcome<AmiSessionOutcome> outcome, int attemptNumber) =>
        outcome.Exception is null && outcome.Result switch
        {
            AmiSessionOutcome.ConnectFailed or AmiSessionOutcome.LoginRefused => true,

            // Retried only as an execution's first attempt; a later drop ends the execution (see RunAsync).
            AmiSessionOutcome.Dropped => attemptNumber == 0,
            _ => false,
        };
}
