using Voicebot.Abstractions.Records;

namespace Voicebot.Grains.Calls;

/// <summary>
/// The providers' failures in one call: each one goes to the record and the metrics; failures of one provider in a
/// row reach a limit past which the call apologises and ends. Not thread-safe (the grain's).
/// </summary>
internal sealed class ProviderFailures(int limit, CallRecordBuilder record, CallMetrics metrics, TimeProvider time)
{
    private readonly Dictionary<string, int> _inARow = new(StringComparer.Ordinal);

    /// <summary>One more failure of <paramref name="provider"/>. Returns true when that makes too many in a row.</summary>
    public bool Failed(string provider, string message)
    {
        var kind = ProviderErrorKinds.Classify(message);
        record.ProviderFailed(new ProviderError(time.GetUtcNow(), provider, kind, message));
        metrics.ProviderFailed(provider, kind);
        var inARow = _inARow[provider] = _inARow.GetValueOrDefault(provider) + 1;
        return inARow >= limit;
    }

    /// <summary>The provider worked: its count starts again.</summary>
    public void Succeeded(string provider) => _inARow.Remove(provider);
}
