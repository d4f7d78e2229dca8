using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Voicebot.Cli.Calling;

/// <summary>
/// Asks the bot's HTTP API for a call's outcome (<c>GET /calls/{id}/outcome?format=json</c>, open on loopback), as the
/// dialplan does once <c>AudioSocket()</c> returns. The bot may still be closing the call when the caller asks, so a
/// "pending" answer is asked again until <paramref name="pendingTimeout"/>.
/// </summary>
public sealed class HttpCallOutcomeClient(HttpClient client, Uri baseAddress, TimeSpan pendingTimeout, TimeProvider timeProvider)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The bot's HTTP API address when none is given: <c>Http:Port</c>'s default on loopback.</summary>
    public static Uri DefaultAddress { get; } = new("http://127.0.0.1:8088/");

    /// <summary>Returns the finished call's outcome.</summary>
    /// <exception cref="CallOutcomeUnavailableException">Unreachable, unknown call, store down, or still pending after the timeout.</exception>
    public async Task<CallOutcomeReport> GetOutcomeAsync(Guid callId, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseAddress, string.Create(CultureInfo.InvariantCulture, $"calls/{callId:D}/outcome?format=json"));
        var deadline = timeProvider.GetTimestamp() + (long)(pendingTimeout.TotalSeconds * timeProvider.TimestampFrequency);
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync(uri, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new CallOutcomeUnavailableException($"cannot reach the bot's HTTP API at {baseAddress}: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CallOutcomeUnavailableException($"the bot's HTTP API at {baseAddress} did not answer in time", ex);
            }

            using (response)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        var body = await response.Content.ReadFromJsonAsync<OutcomeBody>(cancellationToken);
                        return body?.Outcome is { } outcome
                            ? new CallOutcomeReport(outcome, body.Reason)
                            : throw new CallOutcomeUnavailableException($"{uri} answered without an outcome");
                    case HttpStatusCode.Conflict when timeProvider.GetTimestamp() < deadline:
                        break;
                    case HttpStatusCode.Conflict:
                        throw new CallOutcomeUnavailableException($"the call is still running on the bot after {pendingTimeout.TotalSeconds:0} s");
                    case HttpStatusCode.NotFound:
                        throw new CallOutcomeUnavailableException($"the bot at {baseAddress} has no call {callId} (another bot on that port?)");
                    default:
                        throw new CallOutcomeUnavailableException($"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
            }

            await Task.Delay(RetryDelay, timeProvider, cancellationToken);
        }
    }

    private sealed record OutcomeBody(
        [property: JsonPropertyName("outcome")] string? Outcome,
        [property: JsonPropertyName("reason")] string? Reason);
}
