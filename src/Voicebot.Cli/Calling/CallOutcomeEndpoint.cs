using System.Globalization;

namespace Voicebot.Cli.Calling;

/// <summary>Where the bot serves a finished call's outcome JSON (checked against <see cref="ScenarioExpectation"/> by end-to-end tests).</summary>
public static class CallOutcomeEndpoint
{
    /// <summary>The bot's default HTTP port.</summary>
    public const int DefaultHttpPort = 8088;

    /// <summary><c>http://{host}:{httpPort}/calls/{callId}/outcome</c>.</summary>
    public static Uri For(string host, Guid callId, int httpPort = DefaultHttpPort) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{httpPort}/calls/{callId}/outcome"));
}
