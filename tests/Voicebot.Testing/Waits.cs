namespace Voicebot.Testing;

/// <summary>Waiting on a condition the code under test makes true (a counter, a state), never on a fixed delay.</summary>
public static class Waits
{
    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds; the token bounds the wait.</summary>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (!condition())
        {
            await Task.Delay(5, cancellationToken);
        }
    }
}
