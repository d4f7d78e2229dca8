namespace Voicebot.Cli.Doctor;

/// <summary>What one <c>voicebot doctor</c> check found.</summary>
/// <param name="Name">What was checked, e.g. <c>espeak-ng</c>.</param>
/// <param name="Status">Passed, failed, or not applicable with this configuration.</param>
/// <param name="Detail">What was seen (never a secret's value).</param>
/// <param name="Fix">For a failure: the fix to apply.</param>
public sealed record SetupCheckResult(string Name, SetupCheckStatus Status, string Detail, string? Fix = null)
{
    public static SetupCheckResult Pass(string name, string detail) => new(name, SetupCheckStatus.Passed, detail);

    public static SetupCheckResult Fail(string name, string detail, string fix) => new(name, SetupCheckStatus.Failed, detail, fix);

    public static SetupCheckResult Skip(string name, string detail) => new(name, SetupCheckStatus.Skipped, detail);
}

public enum SetupCheckStatus
{
    Passed,
    Failed,
    Skipped,
}
