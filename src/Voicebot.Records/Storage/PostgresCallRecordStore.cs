using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Voicebot.Records.Storage;

/// <summary>
/// Call records in PostgreSQL (several silos share it). The schema is created and migrated by the product under a
/// transaction-scoped advisory lock, so silos starting together migrate one after the other. The whole record is a
/// <c>jsonb</c> column next to the scalar columns used for listing.
/// </summary>
public sealed class PostgresCallRecordStore : SqlCallRecordStore, IAsyncDisposable
{
    // "voicebot" in ASCII: the advisory lock that serializes schema migrations across silos.
    private const long MigrationLockKey = 0x766F696365626F74;

    private static readonly SqlStoreDialect Dialect = new(
        Name: "postgres",
        RecordColumn: "record::text",
        SchemaTableSql: """
            CREATE TABLE IF NOT EXISTS voicebot_records_schema (
                version integer NOT NULL PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now());
            """,
        PingSql: "SELECT 1;",
        Migrations:
        [
            new(1, "call records", """
                CREATE TABLE IF NOT EXISTS voicebot_call_records (
                    call_id uuid NOT NULL PRIMARY KEY,
                    silo text NULL,
                    remote_endpoint text NULL,
                    caller_number text NULL,
                    started_at timestamptz NOT NULL,
                    ended_at timestamptz NOT NULL,
                    outcome text NOT NULL,
                    end_reason text NOT NULL,
                    turn_count integer NOT NULL,
                    provider_error_count integer NOT NULL,
                    recording_path text NULL,
                    record jsonb NOT NULL,
                    stored_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX IF NOT EXISTS voicebot_call_records_started_at ON voicebot_call_records (started_at DESC);
                """),
            InProgressDraftsMigration,
        ]);

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store; nothing is opened until first use.</summary>
    public PostgresCallRecordStore(string connectionString, ILogger<PostgresCallRecordStore> logger)
        : base(Dialect, logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    private protected override async Task<DbTransaction> BeginMigrationAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // Taken before anything else: CREATE TABLE IF NOT EXISTS is not safe against a concurrent CREATE.
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken);
            return transaction;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private protected override DbParameter KeyParameter(string name, Guid callId) => new NpgsqlParameter(name, NpgsqlDbType.Uuid) { Value = callId };

    // timestamptz takes UTC values only.
    private protected override DbParameter TimeParameter(string name, DateTimeOffset? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = value is { } time ? time.UtcDateTime : DBNull.Value };

    private protected override DbParameter TextParameter(string name, string? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private protected override DbParameter JsonParameter(string name, string json) => new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json };

    private protected override Guid ReadKey(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
