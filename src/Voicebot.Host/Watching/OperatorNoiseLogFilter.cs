using System.Runtime;
using Microsoft.Extensions.Options;
using Serilog.Core;
using Serilog.Events;
using Voicebot.Gateway;

namespace Voicebot.Host.Watching;

/// <summary>
/// Drops start-up lines an operator cannot act on: Orleans' two ServerGC notes when the process runs workstation GC
/// (chosen on purpose for the pacer; <see cref="Tuning.RuntimeTuning"/> logs the GC in use), and Kestrel's
/// "Now listening on: http://…" for the AudioSocket endpoint, which is raw TCP (the gateway logs its own line).
/// </summary>
/// <remarks>Resolves the AudioSocket options on first use: the logger is built before them.</remarks>
internal sealed class OperatorNoiseLogFilter(IServiceProvider services) : ILogEventFilter
{
    private const string ListeningTemplate = "Now listening on: {address}";
    private int? _audioSocketPort;

    public bool IsEnabled(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var template = logEvent.MessageTemplate.Text;
        if (IsServerGcNote(template))
        {
            return GCSettings.IsServerGC;
        }

        if (template == ListeningTemplate
            && logEvent.Properties.TryGetValue("address", out var address)
            && address is ScalarValue { Value: string url }
            && Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            _audioSocketPort ??= services.GetRequiredService<IOptions<AudioSocketOptions>>().Value.Port;
            return uri.Port != _audioSocketPort;
        }

        return true;
    }

    internal static bool IsServerGcNote(string template) =>
        template.StartsWith("Note: Silo not running with ServerGC", StringComparison.Ordinal)
        || template.StartsWith("Note: ServerGC only kicks in", StringComparison.Ordinal);
}
