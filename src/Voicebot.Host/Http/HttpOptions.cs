using System.ComponentModel.DataAnnotations;

namespace Voicebot.Host.Http;

/// <summary>The HTTP endpoint: health, call outcomes for the dialplan's <c>CURL()</c>.</summary>
public sealed class HttpOptions
{
    public const string SectionName = "Http";

    /// <summary>Address to listen on. Default 127.0.0.1 (Asterisk on the same machine).</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port. Default 8088; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8088;
}
