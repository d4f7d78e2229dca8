using System.Globalization;
using System.Text;
using Voicebot.Abstractions.Calls;

namespace Voicebot.Host.Http;

/// <summary>
/// Call endpoints. <c>GET /calls/{id}/outcome</c> is what the dialplan asks with <c>CURL()</c> once
/// <c>AudioSocket()</c> returns: a one-line <c>key=value&amp;…</c> body (readable with <c>CURLOPT(hashcompat)</c> and
/// <c>HASH()</c>, or with <c>CUT()</c>), or JSON with <c>?format=json</c>.
/// </summary>
public static class CallEndpoints
{
    public static IEndpointRouteBuilder MapCallEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/calls/{id:guid}/outcome", async (Guid id, string? format, IGrainFactory grains) =>
        {
            var snapshot = await grains.GetGrain<ICallGrain>(id).GetSnapshotAsync();
            var json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
            if (snapshot.Outcome is not { } outcome)
            {
                // Unknown (never started here) or still running: the dialplan's default branch applies.
                var status = snapshot.State == "NEW" ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
                var word = status == StatusCodes.Status404NotFound ? "unknown" : "pending";
                return json
                    ? Results.Json(new { callId = id, outcome = word, state = snapshot.State }, statusCode: status)
                    : Results.Text($"outcome={word}", "text/plain", Encoding.UTF8, status);
            }

            return json ? Results.Json(ToJson(outcome)) : Results.Text(ToDialplanLine(outcome), "text/plain", Encoding.UTF8);
        });

        endpoints.MapGet("/calls/{id:guid}", async (Guid id, IGrainFactory grains) =>
        {
            var snapshot = await grains.GetGrain<ICallGrain>(id).GetSnapshotAsync();
            return snapshot.State == "NEW" ? Results.NotFound() : Results.Json(snapshot);
        });

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

    private static object ToJson(CallOutcome outcome) => new
    {
        callId = outcome.CallId,
        outcome = OutcomeWord(outcome.Outcome),
        reason = outcome.EndReason,
        slots = outcome.Slots,
        states = outcome.VisitedStates,
        startedAt = outcome.StartedAt,
        endedAt = outcome.EndedAt,
    };
}
