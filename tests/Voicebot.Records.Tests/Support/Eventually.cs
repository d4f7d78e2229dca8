namespace Voicebot.Records.Tests.Support;

/// <summary>Waits for a condition reached by background work; the limit is a guard against hangs, not a timing assertion.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken, int limitSeconds = 60)
    {
        for (var waited = 0; waited < limitSeconds * 50; waited++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20, cancellationToken);
        }

        Assert.Fail($"Not reached within {limitSeconds} s: {what}");
    }
}
