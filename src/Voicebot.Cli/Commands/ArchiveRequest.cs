namespace Voicebot.Cli.Commands;

/// <summary>What <c>voicebot recordings archive</c> was asked to do.</summary>
/// <param name="Directory">Recordings root; <see langword="null"/> for the configured one.</param>
/// <param name="DeleteOriginals">Delete each WAV once its archive is verified (or the option says so).</param>
/// <param name="DryRun">Only report.</param>
/// <param name="BitrateKbps">Overrides the configured bit rate.</param>
/// <param name="Parallelism">Overrides the configured parallelism.</param>
/// <param name="MinimumAge">Files written more recently are skipped.</param>
public sealed record ArchiveRequest(string? Directory, bool DeleteOriginals, bool DryRun, int? BitrateKbps, int? Parallelism, TimeSpan MinimumAge);
