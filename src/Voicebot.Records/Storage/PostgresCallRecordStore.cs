using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Records.Storage;

/// <summary>
/// Call records in PostgreSQL (several silos share it). The schema is created and migrated by the product under a
/// transaction-scoped advisory lock, so silos starting together migrate one after the other. The whole record is a
/// <c>jsonb</c> column next to the scalar columns used for listing.
/// </summary>
public sealed class PostgresCallRecordStore : ICallRecordStore, IAsyncDisposable
{
    // "voicebot" in ASCII: the advisory lock that serializes schema migrations across silos.
    private const long MigrationLockKey = 0x766F696365626F74;

    private static readonly SchemaMigration[] Migrations =
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
        // Drafts of calls in progress are looked for every minute (interrupted-call recovery): a small partial index.
        new(2, "in-progress drafts", """
            CREATE INDEX IF NOT EXISTS voicebot_call_records_in_progress ON voicebot_call_records (started_at)
                WHERE end_reason = 'in-progress';
            """),
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresCallRecordStore> _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the store; nothing is opened until first use.</summary>
    public PostgresCallRecordStore(string connectionString, ILogger<PostgresCallRecordStore> logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Taken before anything else: CREATE TABLE IF NOT EXISTS is not safe against a concurrent CREATE.
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS voicebot_records_schema (
                    version integer NOT NULL PRIMARY KEY,
                    description text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now());
                """, cancellationToken);
            await using var current = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM voicebot_records_schema;", connection, transaction);
            var applied = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var migration in Migrations)
            {
                if (migration.Version <= applied)
                {
                    continue;
                }

                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using var mark = new NpgsqlCommand(
                    "INSERT INTO voicebot_records_schema (version, description) VALUES (@version, @description);", connection, transaction);
                mark.Parameters.AddWithValue("version", migration.Version);
                mark.Parameters.AddWithValue("description", migration.Description);
                await mark.ExecuteNonQueryAsync(cancellationToken);
                RecordsLog.SchemaMigrated(_logger, "postgres", migration.Version, migration.Description);
            }

            await transaction.CommitAsync(cancellationToken);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task SaveAsync(CallRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO voicebot_call_records
                (call_id, silo, remote_endpoint, caller_number, started_at, ended_at, outcome, end_reason,
                 turn_count, provider_error_count, recording_path, record)
            VALUES (@call_id, @silo, @remote_endpoint, @caller_number, @started_at, @ended_at, @outcome, @end_reason,
                 @turn_count, @provider_error_count, @recording_path, @record)
            ON CONFLICT (call_id) DO UPDATE SET
                silo = excluded.silo, remote_endpoint = excluded.remote_endpoint, caller_number = excluded.caller_number,
                started_at = excluded.started_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
                end_reason = excluded.end_reason, turn_count = excluded.turn_count,
                provider_error_count = excluded.provider_error_count, recording_path = excluded.recording_path,
                record = excluded.record
            WHERE voicebot_call_records.end_reason = 'in-progress';
            """);
        command.Parameters.AddWithValue("call_id", record.CallId);
        command.Parameters.Add(Text("silo", record.Silo));
        command.Parameters.Add(Text("remote_endpoint", record.RemoteEndPoint));
        command.Parameters.Add(Text("caller_number", record.CallerNumber));
        command.Parameters.Add(Time("started_at", record.StartedAt));
        command.Parameters.Add(Time("ended_at", record.EndedAt));
        command.Parameters.Add(Text("outcome", record.Outcome.ToString()));
        command.Parameters.Add(Text("end_reason", record.EndReason));
        command.Parameters.AddWithValue("turn_count", record.Turns.Count);
        command.Parameters.AddWithValue("provider_error_count", record.ProviderErrors.Count);
        command.Parameters.Add(Text("recording_path", record.RecordingPath));
        command.Parameters.Add(new NpgsqlParameter("record", NpgsqlDbType.Jsonb) { Value = CallRecordJson.Serialize(record) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("SELECT record::text FROM voicebot_call_records WHERE call_id = @call_id;");
        command.Parameters.AddWithValue("call_id", callId);
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? CallRecordJson.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand(
            "SELECT record::text FROM voicebot_call_records WHERE end_reason = 'in-progress' ORDER BY started_at LIMIT @limit;");
        command.Parameters.AddWithValue("limit", limit);
        var drafts = new List<CallRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            drafts.Add(CallRecordJson.Deserialize(reader.GetString(0)));
        }

        return drafts;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecordSummary>> ListAsync(CallRecordQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("""
            SELECT call_id, silo, caller_number, started_at, ended_at, outcome, end_reason, turn_count, provider_error_count, recording_path
            FROM voicebot_call_records
            WHERE (@since IS NULL OR started_at >= @since)
              AND (@until IS NULL OR started_at < @until)
              AND (@outcome IS NULL OR outcome = @outcome)
            ORDER BY started_at DESC, call_id
            LIMIT @limit;
            """);
        command.Parameters.Add(Time("since", query.Since));
        command.Parameters.Add(Time("until", query.Until));
        command.Parameters.Add(Text("outcome", query.Outcome?.ToString()));
        command.Parameters.AddWithValue("limit", Math.Max(0, query.Limit));
        var summaries = new List<CallRecordSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(new CallRecordSummary(
                reader.GetGuid(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                Enum.Parse<CallOutcomeKind>(reader.GetString(5)),
                reader.GetString(6),
                reader.GetInt32(7),
                reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return summaries;
    }

    /// <inheritdoc />
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("SELECT 1;");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    // timestamptz takes UTC values only.
    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } time ? time.UtcDateTime : DBNull.Value };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
