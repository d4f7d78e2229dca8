using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;
using Voicebot.Abstractions;

namespace Voicebot.Providers.OpenAI;

/// <summary>Maps what the OpenAI SDK and HttpClient throw to <see cref="ProviderUnavailableException"/>, keeping the provider's own error text.</summary>
internal static class ProviderErrors
{
    private const int MaxBodyCharacters = 600;

    public static ProviderUnavailableException From(string provider, Exception exception) => exception switch
    {
        ProviderUnavailableException unavailable => unavailable,
        ClientResultException { Status: > 0 } http => new(provider, ProviderFailure.HttpStatus, $"{provider}: {DescribeHttpError(http)}", http),
        ClientResultException { InnerException: { } inner } => FromTransport(provider, inner, exception),
        _ => FromTransport(provider, exception, exception),
    };

    public static ProviderUnavailableException Timeout(string provider, ProviderFailure failure, string what, TimeSpan limit, Exception? inner = null) =>
        new(provider, failure, $"{provider}: {what} within {limit.TotalMilliseconds:0} ms.", inner);

    /// <summary>
    /// "HTTP 400 (model_decommissioned): The model … has been decommissioned…": status, then the OpenAI-style
    /// <c>{"error":{"message","code","type"}}</c> body when there is one, else the SDK's message (which quotes the body).
    /// </summary>
    internal static string DescribeHttpError(ClientResultException exception)
    {
        var body = TryReadBody(exception);
        if (body is not null && TryParseError(body, out var code, out var message))
        {
            return code is null ? $"HTTP {exception.Status}: {message}" : $"HTTP {exception.Status} ({code}): {message}";
        }

        var text = body ?? exception.Message;
        return $"HTTP {exception.Status}: {Truncate(text.ReplaceLineEndings(" "))}";
    }

    private static ProviderUnavailableException FromTransport(string provider, Exception cause, Exception thrown)
    {
        if (Find<SocketException>(cause) is { } socket)
        {
            var failure = socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ProviderFailure.ConnectRefused,
                SocketError.TimedOut => ProviderFailure.ConnectTimeout,
                _ => ProviderFailure.Closed,
            };
            return new(provider, failure, $"{provider}: {socket.SocketErrorCode} ({socket.Message}).", thrown);
        }

        if (Find<JsonException>(cause) is { } json)
        {
            return new(provider, ProviderFailure.Protocol, $"{provider}: malformed response ({json.Message}).", thrown);
        }

        // HttpIOException "response ended prematurely" and friends: the server closed the connection mid-response.
        if (Find<IOException>(cause) is { } io)
        {
            return new(provider, ProviderFailure.Closed, $"{provider}: connection closed ({io.Message}).", thrown);
        }

        if (Find<HttpRequestException>(cause) is { } request)
        {
            return new(provider, ProviderFailure.Closed, $"{provider}: request failed ({request.Message}).", thrown);
        }

        return new(provider, ProviderFailure.Unknown, $"{provider}: {thrown.GetType().Name}: {thrown.Message}", thrown);
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string? TryReadBody(ClientResultException exception)
    {
        try
        {
            var content = exception.GetRawResponse()?.Content;
            return content is null || content.ToMemory().IsEmpty ? null : content.ToString();
        }
        catch (InvalidOperationException)
        {
            return null;   // an unbuffered response: the SDK's message still quotes the body
        }
    }

    private static bool TryParseError(string body, out string? code, out string message)
    {
        code = null;
        message = string.Empty;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (error.TryGetProperty("code", out var codeElement) && codeElement.ValueKind == JsonValueKind.String)
            {
                code = codeElement.GetString();
            }
            else if (error.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
            {
                code = typeElement.GetString();
            }

            message = error.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String
                ? Truncate(messageElement.GetString() ?? string.Empty)
                : Truncate(error.GetRawText());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= MaxBodyCharacters ? text : string.Concat(text.AsSpan(0, MaxBodyCharacters), "…");
}
