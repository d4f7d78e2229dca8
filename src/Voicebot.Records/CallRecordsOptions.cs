using System.ComponentModel.DataAnnotations;

namespace Voicebot.Records;

/// <summary>Where call records are kept (section <c>Records</c>). Every default runs with no keys: SQLite next to the binaries.</summary>
public sealed class CallRecordsOptions : IValidatableObject
{
    public const string SectionName = "Records";

    /// <summary>The embedded database, the default.</summary>
    public const string SqliteProvider = "sqlite";

    /// <summary>A PostgreSQL server (several silos share it).</summary>
    public const string PostgresProvider = "postgres";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    [Required]
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>The SQLite database file, relative to the content root. Created on first run. Default <c>data/calls.db</c>.</summary>
    [Required]
    public string SqlitePath { get; set; } = "data/calls.db";

    /// <summary>
    /// The Npgsql connection string when <see cref="Provider"/> is <c>postgres</c>. A secret: give it through the
    /// environment or <c>.env</c> (<c>Records__PostgresConnectionString</c>), never in appsettings.json; never logged.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// Where records wait, one JSON file each, while the store is unreachable; relative to the content root.
    /// Default <c>data/records-spool</c>.
    /// </summary>
    [Required]
    public string SpoolDirectory { get; set; } = "data/records-spool";

    /// <summary>First wait before replaying spooled records after a failure; doubles up to <see cref="MaxReplayInterval"/>. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReplayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two replay attempts during a long outage. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxReplayInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A store write taking longer than this counts as a failure and the record is spooled. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.Equals(Provider, SqliteProvider, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"Records:Provider '{Provider}' is not 'sqlite' or 'postgres'.", [nameof(Provider)]);
        }

        if (IsPostgres && string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return new ValidationResult(
                "Records:Provider is 'postgres' but Records:PostgresConnectionString is empty (set Records__PostgresConnectionString in the environment or .env).",
                [nameof(PostgresConnectionString)]);
        }

        if (MaxReplayInterval < ReplayInterval)
        {
            yield return new ValidationResult("Records:MaxReplayInterval is shorter than Records:ReplayInterval.", [nameof(MaxReplayInterval)]);
        }
    }

    /// <summary>Whether PostgreSQL is the store.</summary>
    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);
}
