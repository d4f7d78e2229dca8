using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Voicebot.Abstractions.Calls;
using Voicebot.Grains.Conversation;

namespace Voicebot.Host.Http;

/// <summary>
/// Call endpoints. <c>GET /calls/{id}/outcome</c> is what the dialplan asks with <c>CURL()</c> once
/// <c>AudioSocket()</c> returns: a one-line <c>key=value&amp;…</c> body (readable with <c>CURLOPT(hashcompat)</c> and
/// <c>HASH()</c>, or with <c>CUT()</c>), or JSON with <c>?format=json</c>. <c>GET /calls/{id}</c> is the call for an
/// operator. Both find calls through <see cref="CallLookup"/> (never creating one) and carry call data, so they require
/// the operator token when one is configured; the outcome stays open to this machine for the dialplan.
/// </summary>
public static class CallEndpoints
{
    public static IEndpointRouteBuilder MapCallEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<HttpOptions>>();
        var calls = endpoints.MapGroup("/calls");

        calls.MapGet("/{id:guid}/outcome", async (Guid id, string? format, CallLookup lookup, ContentPaths paths, CancellationToken cancellationToken) =>
        {
            var json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
            FoundCall? found;
            try
            {
                found = await lookup.FindAsync(id, cancellationToken);
            }
            catch (CallRecordStoreUnavailableException)
            {
                return Answer("unknown", null, StatusCodes.Status503ServiceUnavailable);
            }

            if (found?.Outcome is not { } outcome)
            {
                // Unknown (no such call) or still running: the dialplan's default branch applies.
                return found is null
                    ? Answer("unknown", null, StatusCodes.Status404NotFound)
                    : Answer("pending", found.State, StatusCodes.Status409Conflict);
            }

            return json ? Results.Json(ToJson(outcome, paths)) : Results.Text(ToDialplanLine(outcome), "text/plain", Encoding.UTF8);

            IResult Answer(string word, string? state, int status) => json
                ? Results.Json(new { callId = id, outcome = word, state }, statusCode: status)
                : Results.Text($"outcome={word}", "text/plain", Encoding.UTF8, status);
        }).AddEndpointFilter(new OperatorTokenFilter(options, openOnLoopback: true));

        calls.MapGet("/{id:guid}", async (Guid id, CallLookup lookup, ContentPaths paths, CancellationToken cancellationToken) =>
        {
            try
            {
                return await lookup.FindAsync(id, cancellationToken) is { } found ? Results.Json(CallView.From(found, paths)) : Results.NotFound();
            }
            catch (CallRecordStoreUnavailableException)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        }).AddEndpointFilter(new OperatorTokenFilter(options, openOnLoopback: false));

        return endpoints;
    }

    /// <summary><c>outcome=transfer&amp;reason=completed&amp;phone=0612345678&amp;problem=mobile</c>: values are URL-encoded.</summary>
    public static string ToDialplanLine(CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var line = new StringBuilder();
        line.Append("outcome=").Append(OutcomeWord(outcome.Outcome));
        line.Append("&reason=").Append(Uri.EscapeDataString(outcome.EndReason));
        foreach (var slot in new[] { "phone", "problem", "fixed", "technician" })
        {
            if (outcome.Slots.TryGetValue(slot, out var value))
            {
                line.Append('&').Append(slot).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        line.Append("&duration=").Append(((int)(outcome.EndedAt - outcome.StartedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture));
        return line.ToString();
    }

    /// <summary>The dialplan-facing word for an outcome: transfer, resolved, no-technician, abandoned, error.</summary>
    public static string OutcomeWord(CallOutcomeKind kind) => kind switch
    {
        CallOutcomeKind.Transfer => "transfer",
        CallOutcomeKind.Resolved => "resolved",
        CallOutcomeKind.NoTechnician => "no-technician",
        CallOutcomeKind.Abandoned => "abandoned",
        _ => "error",
    };

    /// <summary>The outcome for the dialplan; a collected clip is named relative to the data, never by its server path.</summary>
    private static object ToJson(CallOutcome outcome, ContentPaths paths) => new
    {
        callId = outcome.CallId,
        outcome = OutcomeWord(outcome.Outcome),
        reason = outcome.EndReason,
        slots = outcome.Slots.ToDictionary(slot => slot.Key, slot => paths.ToPublic(slot.Value)),
        states = outcome.VisitedStates,
        startedAt = outcome.StartedAt,
        endedAt = outcome.EndedAt,
    };
}
