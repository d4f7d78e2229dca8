using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Voicebot.Abstractions.Calls;
using Voicebot.Abstractions.Records;

namespace Voicebot.Records.Storage;

/// <summary>
/// What the SQL stores share: the schema migrations behind one gate, the statements, and the mapping between a record
/// and its row (scalar columns for listing, the whole record as JSON next to them). A store brings its dialect
/// (<see cref="SqlStoreDialect"/>): how a connection opens, how a migration is serialized against other processes, and
/// how keys, times, text and JSON are bound and read. Thread-safe.
/// </summary>
public abstract class SqlCallRecordStore : ICallRecordStore
{
    // SQLite and PostgreSQL both take "@name" placeholders and the ON CONFLICT … DO UPDATE … WHERE upsert.
    private const string UpsertSql = """
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
        """;

    private const string ListSql = """
        SELECT call_id, silo, caller_number, started_at, ended_at, outcome, end_reason, turn_count, provider_error_count, recording_path
        FROM voicebot_call_records
        WHERE (@since IS NULL OR started_at >= @since)
          AND (@until IS NULL OR started_at < @until)
          AND (@outcome IS NULL OR outcome = @outcome)
        ORDER BY started_at DESC, call_id
        LIMIT @limit;
        """;

    private const string AppliedVersionSql = "SELECT COALESCE(MAX(version), 0) FROM voicebot_records_schema;";
    private const string MarkAppliedSql = "INSERT INTO voicebot_records_schema (version, description) VALUES (@version, @description);";

    /// <summary>
    /// Migration 2 of both stores. Drafts of calls in progress are looked for every minute (interrupted-call recovery):
    /// a small partial index.
    /// </summary>
    private protected static readonly SchemaMigration InProgressDraftsMigration = new(2, "in-progress drafts", """
        CREATE INDEX IF NOT EXISTS voicebot_call_records_in_progress ON voicebot_call_records (started_at)
            WHERE end_reason = 'in-progress';
        """);

    private readonly SqlStoreDialect _dialect;
    private readonly ILogger _logger;
    private readonly string _getSql;
    private readonly string _inProgressSql;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    private protected SqlCallRecordStore(SqlStoreDialect dialect, ILogger logger)
    {
        _dialect = dialect;
        _logger = logger;
        _getSql = $"SELECT {dialect.RecordColumn} FROM voicebot_call_records WHERE call_id = @call_id;";
        _inProgressSql = $"SELECT {dialect.RecordColumn} FROM voicebot_call_records WHERE end_reason = 'in-progress' ORDER BY started_at LIMIT @limit;";
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

            var transaction = await BeginMigrationAsync(cancellationToken);
            var connection = transaction.Connection!;
            await using (connection)
            await using (transaction)
            {
                await ExecuteAsync(connection, transaction, _dialect.SchemaTableSql, cancellationToken);
                await using var current = Command(connection, transaction, AppliedVersionSql);
                var applied = Convert.ToInt64(await current.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                foreach (var migration in _dialect.Migrations)
                {
                    if (migration.Version <= applied)
                    {
                        continue;
                    }

                    await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                    await using var mark = Command(connection, transaction, MarkAppliedSql);
                    mark.Parameters.Add(Value(mark, "@version", migration.Version));
                    mark.Parameters.Add(TextParameter("@description", migration.Description));
                    await mark.ExecuteNonQueryAsync(cancellationToken);
                    RecordsLog.SchemaMigrated(_logger, _dialect.Name, migration.Version, migration.Description);
                }

                await transaction.CommitAsync(cancellationToken);
            }

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
        await using var statement = await PrepareAsync(UpsertSql, cancellationToken);
        var command = statement.Command;
        command.Parameters.Add(KeyParameter("@call_id", record.CallId));
        command.Parameters.Add(TextParameter("@silo", record.Silo));
        command.Parameters.Add(TextParameter("@remote_endpoint", record.RemoteEndPoint));
        command.Parameters.Add(TextParameter("@caller_number", record.CallerNumber));
        command.Parameters.Add(TimeParameter("@started_at", record.StartedAt));
        command.Parameters.Add(TimeParameter("@ended_at", record.EndedAt));
        command.Parameters.Add(TextParameter("@outcome", record.Outcome.ToString()));
        command.Parameters.Add(TextParameter("@end_reason", record.EndReason));
        command.Parameters.Add(Value(command, "@turn_count", record.Turns.Count));
        command.Parameters.Add(Value(command, "@provider_error_count", record.ProviderErrors.Count));
        command.Parameters.Add(TextParameter("@recording_path", record.RecordingPath));
        command.Parameters.Add(JsonParameter("@record", CallRecordJson.Serialize(record)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallRecord?> GetAsync(Guid callId, CancellationToken cancellationToken = default)
    {
        await using var statement = await PrepareAsync(_getSql, cancellationToken);
        var command = statement.Command;
        command.Parameters.Add(KeyParameter("@call_id", callId));
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? CallRecordJson.Deserialize(json) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecord>> ListInProgressAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var statement = await PrepareAsync(_inProgressSql, cancellationToken);
        var command = statement.Command;
        command.Parameters.Add(Value(command, "@limit", limit));
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
        await using var statement = await PrepareAsync(ListSql, cancellationToken);
        var command = statement.Command;
        command.Parameters.Add(TimeParameter("@since", query.Since));
        command.Parameters.Add(TimeParameter("@until", query.Until));
        command.Parameters.Add(TextParameter("@outcome", query.Outcome?.ToString()));
        command.Parameters.Add(Value(command, "@limit", Math.Max(0, query.Limit)));
        var summaries = new List<CallRecordSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add(new CallRecordSummary(
                ReadKey(reader, 0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                ReadTime(reader, 3),
                ReadTime(reader, 4),
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
        await using var statement = await PrepareAsync(_dialect.PingSql, cancellationToken);
        await statement.Command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>An open connection; the caller disposes it.</summary>
    private protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection and begins the migration's transaction, holding whatever lock makes two processes migrating at
    /// once run one after the other. The caller disposes the transaction and its connection.
    /// </summary>
    private protected abstract Task<DbTransaction> BeginMigrationAsync(CancellationToken cancellationToken);

    /// <summary>A call id, as the <c>call_id</c> column stores it.</summary>
    private protected abstract DbParameter KeyParameter(string name, Guid callId);

    /// <summary>A UTC instant as the time columns store it, or SQL NULL.</summary>
    private protected abstract DbParameter TimeParameter(string name, DateTimeOffset? value);

    /// <summary>Text, or SQL NULL.</summary>
    private protected abstract DbParameter TextParameter(string name, string? value);

    /// <summary>The serialized record, as the <c>record</c> column stores it.</summary>
    private protected abstract DbParameter JsonParameter(string name, string json);

    private protected abstract Guid ReadKey(DbDataReader reader, int ordinal);

    private protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    private protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ensures the schema, then prepares <paramref name="sql"/> on a connection of its own.</summary>
    private async Task<Statement> PrepareAsync(string sql, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        var connection = await OpenConnectionAsync(cancellationToken);
        return new Statement(connection, Command(connection, null, sql));
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static DbParameter Value(DbCommand command, string name, int value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }

    /// <summary>A command and the connection it runs on: disposing it closes both.</summary>
    private readonly struct Statement(DbConnection connection, DbCommand command) : IAsyncDisposable
    {
        public DbCommand Command { get; } = command;

        public async ValueTask DisposeAsync()
        {
            await Command.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
