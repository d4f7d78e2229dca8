using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Voicebot.Host.Http;

/// <summary>
/// Guards call data with <see cref="HttpOptions.OperatorToken"/>: with no token configured every request passes (the
/// options allow that on loopback only); with one, the request must carry it as <c>Authorization: Bearer</c> or
/// <c>?access_token=</c>, unless <paramref name="openOnLoopback"/> and the request comes from this machine (the
/// dialplan's outcome request). Compared in constant time.
/// </summary>
public sealed class OperatorTokenFilter(IOptions<HttpOptions> options, bool openOnLoopback) : IEndpointFilter
{
    // Read on first use, not when the routes are mapped: the options are validated when the host starts.
    private readonly Lazy<byte[]?> _token = new(() => options.Value.RequiresToken ? Encoding.UTF8.GetBytes(options.Value.OperatorToken!) : null);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var token = _token.Value;
        if (token is null
            || (openOnLoopback && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            || Carries(http.Request, token))
        {
            return await next(context);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Text("operator token required (Authorization: Bearer <Http:OperatorToken>)\n", "text/plain", Encoding.UTF8, StatusCodes.Status401Unauthorized);
    }

    private static bool Carries(HttpRequest request, byte[] token)
    {
        string? presented = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }
        else if (request.Query.TryGetValue("access_token", out var query))
        {
            presented = query.ToString();
        }

        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token);
    }
}
