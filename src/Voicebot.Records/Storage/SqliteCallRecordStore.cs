using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Voicebot.Records.Storage;

/// <summary>
/// Call records in an embedded SQLite file, created on first use, in WAL mode (readers such as <c>voicebot calls</c>
/// never block the bot's writes). Times are stored as Unix milliseconds (UTC) so that they sort and compare as numbers.
/// </summary>
public sealed class SqliteCallRecordStore : SqlCallRecordStore
{
    private static readonly SqlStoreDialect Dialect = new(
        Name: "sqlite",
        RecordColumn: "record",
        SchemaTableSql: """
            CREATE TABLE IF NOT EXISTS voicebot_records_schema (
                version INTEGER NOT NULL PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
            """,
        PingSql: "SELECT COUNT(*) FROM voicebot_records_schema;",
        Migrations:
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
            InProgressDraftsMigration,
        ]);

    private readonly string _connectionString;

    /// <summary>Creates the store on <paramref name="path"/> (its directory is created on first use).</summary>
    public SqliteCallRecordStore(string path, ILogger<SqliteCallRecordStore> logger)
        : base(Dialect, logger)
    {
        Path = System.IO.Path.GetFullPath(path);
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

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
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

    private protected override async Task<DbTransaction> BeginMigrationAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = (SqliteConnection)await OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);

            // BEGIN IMMEDIATE takes the write lock first: two processes migrating at once run one after the other.
            return connection.BeginTransaction(deferred: false);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private protected override DbParameter KeyParameter(string name, Guid callId) =>
        new SqliteParameter(name, callId.ToString("D", CultureInfo.InvariantCulture));

    private protected override DbParameter TimeParameter(string name, DateTimeOffset? value) =>
        new SqliteParameter(name, value is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value);

    private protected override DbParameter TextParameter(string name, string? value) =>
        new SqliteParameter(name, (object?)value ?? DBNull.Value);

    private protected override DbParameter JsonParameter(string name, string json) => new SqliteParameter(name, json);

    private protected override Guid ReadKey(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    private protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
