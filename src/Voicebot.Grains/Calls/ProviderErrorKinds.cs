namespace Voicebot.Grains.Calls;

/// <summary>A short, bounded kind for a provider failure message: a metric label and a column of the call record.</summary>
internal static class ProviderErrorKinds
{
    public static string Classify(string message) =>
        message.Contains("timed out", StringComparison.OrdinalIgnoreCase) || message.Contains("timeout", StringComparison.OrdinalIgnoreCase) ? "timeout"
        : message.Contains("401", StringComparison.Ordinal) || message.Contains("403", StringComparison.Ordinal)
            || message.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) || message.Contains("forbidden", StringComparison.OrdinalIgnoreCase) ? "refused"
        : message.Contains("refused", StringComparison.OrdinalIgnoreCase) || message.Contains("unreachable", StringComparison.OrdinalIgnoreCase)
            || message.Contains("connect", StringComparison.OrdinalIgnoreCase) ? "unreachable"
        : message.Contains("429", StringComparison.Ordinal) || message.Contains("rate", StringComparison.OrdinalIgnoreCase) ? "rate-limited"
        : "error";
}
