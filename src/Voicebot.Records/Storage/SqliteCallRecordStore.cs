using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Records.Storage;

/// <summary>
/// Call records in an embedded SQLite file, created on first use, in WAL mode (readers such as <c>voicebot calls</c>
/// never block the bot's writes). Times are stored as Unix milliseconds (UTC) so that they sort and compare as numbers.
/// </summary>
public sealed class SqliteCallRecordStore : ICallRecordStore
{
    private static readonly SchemaMigration[] Migrations =
    [
        new(1, "call records", """
            CREATE TABLE IF NOT EXISTS voicebot_call_records (
                call_id TEXT NOT NULL PRIMARY KEY,
                silo TEXT NULL,
                remote_endpoint TEXT NULL,
                caller_number TEXT NULL,
                started_at INTEGER NOT NULL,
                ended_at INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                end_reason TEXT NOT NULL,
                turn_count INTEGER NOT NULL,
                provider_error_count INTEGER NOT NULL,
                recording_path TEXT NULL,
                record TEXT NOT NULL,
                stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
            CREATE INDEX IF NOT EXISTS voicebot_call_records_started_at ON voicebot_call_records (started_at DESC);
            """),
        // Drafts of calls in progress are looked for every minute (interrupted-call recovery): a small partial index.
        new(2, "in-progress drafts", """
            CREATE INDEX IF NOT EXISTS voicebot_call_records_in_progress ON voicebot_call_records (started_at)
                WHERE end_reason = 'in-progress';
            """),
    ];

    private readonly string _connectionString;
    private readonly ILogger<SqliteCallRecordStore> _logger;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the store on <paramref name="path"/> (its directory is created on first use).</summary>
    public SqliteCallRecordStore(string path, ILogger<SqliteCallRecordStore> logger)
    {
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

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

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);

            // BEGIN IMMEDIATE takes the write lock first: two processes migrating at once run one after the other.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS voicebot_records_schema (
                    version INTEGER NOT NULL PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
                """, cancellationToken);
            var applied = await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM voicebot_records_schema;", cancellationToken);
            foreach (var migration in Migrations)
            {
                if (migration.Version <= applied)
                {
                    continue;
                }

                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using var mark = connection.CreateCommand();
                mark.Transaction = transaction;
                mark.CommandText = "INSERT INTO voicebot_records_schema (version, description) VALUES ($version, $description);";
                mark.Parameters.AddWithValue("$version", migration.Version);
                mark.Parameters.AddWithValue("$description", migration.Description);
                await mark.ExecuteNonQueryAsync(cancellationToken);
                RecordsLog.SchemaMigrated(_logger, "sqlite", migration.Version, migration.Description);
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO voicebot_call_records
                (call_id, silo, remote_endpoint, caller_number, started_at, ended_at, outcome, end_reason,
                 turn_count, provider_error_count, recording_path, record)
            VALUES ($call_id, $silo, $remote_endpoint, $caller_number, $started_at, $ended_at, $outcome, $end_reason,
                 $turn_count, $provider_error_count, $recording_path, $record)
            ON CONFLICT (call_id) DO UPDATE SET
                silo = excluded.silo, remote_endpoint = excluded.remote_endpoint, caller_number = excluded.caller_number,
                started_at = excluded.started_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
                end_reason = excluded.end_reason, turn_count = excluded.turn_count,
                provider_error_count = excluded.provider_error_count, recording_path = excluded.recording_path,
                record = excluded.record
            WHERE voicebot_call_records.end_reason = 'in-progress';
            """;
        command.Parameters.AddWithValue("$call_id", Key(record.CallId));
        command.Parameters.AddWithValue("$silo", (object?)record.Silo ?? DBNull.Value);
        command.Parameters.AddWithValue("$remote_endpoint", (object?)record.RemoteEndPoint ?? DBNull.Value);
        command.Parameters.AddWithValue("$caller_number", (object?)record.CallerNumber ?? DBNull.Value);
        command.Parameters.AddWithValue("$started_at", record.StartedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$ended_at", record.EndedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$outcome", record.Outcome.ToString());
        command.Parameters.AddWithValue("$end_reason", record.EndReason);
        command.Parameters.AddWithValue("$turn_count", record.Turns.Count);
        command.Parameters.AddWithValue("$provider_error_count", record.ProviderErrors.Count);
        command.Parameters.AddWithValue("$recording_path", (object?)record.RecordingPath ?? DBNull.Value);
        command.Parameters.AddWithValue("$record", CallRecordJson.Serialize(record));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM voicebot_call_records WHERE call_id = $call_id;";
        command.Parameters.AddWithValue("$call_id", Key(callId));
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? CallRecordJson.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM voicebot_call_records WHERE end_reason = 'in-progress' ORDER BY started_at LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT call_id, silo, caller_number, started_at, ended_at, outcome, end_reason, turn_count, provider_error_count, recording_path
            FROM voicebot_call_records
            WHERE ($since IS NULL OR started_at >= $since)
              AND ($until IS NULL OR started_at < $until)
              AND ($outcome IS NULL OR outcome = $outcome)
            ORDER BY started_at DESC, call_id
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$since", query.Since is { } since ? since.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$until", query.Until is { } until ? until.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("$outcome", query.Outcome is { } outcome ? outcome.ToString() : DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Max(0, query.Limit));
        var summaries = new List<CallRecordSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(new CallRecordSummary(
                Guid.Parse(reader.GetString(0)),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
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
        await using var connection = await OpenAsync(cancellationToken);
        await ScalarAsync(connection, null, "SELECT COUNT(*) FROM voicebot_records_schema;", cancellationToken);
    }

    private static string Key(Guid callId) => callId.ToString("D", CultureInfo.InvariantCulture);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
