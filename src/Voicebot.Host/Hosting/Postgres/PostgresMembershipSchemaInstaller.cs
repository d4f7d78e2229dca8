using Microsoft.Extensions.Options;
using Npgsql;

namespace Voicebot.Host.Hosting.Postgres;

/// <summary>
/// Creates the membership schema and (re)writes the provider's query texts before the silo's membership service
/// starts. Idempotent, and serialized across silos by a transaction-scoped advisory lock.
/// </summary>
internal sealed class PostgresMembershipSchemaInstaller(
    IOptions<OrleansHostOptions> options,
    ILogger<PostgresMembershipSchemaInstaller> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle observer) =>
        observer.Subscribe(nameof(PostgresMembershipSchemaInstaller), ServiceLifecycleStage.First, InstallAsync);

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(options.Value.PostgresConnectionString!);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", PostgresMembershipSchema.AdvisoryLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(PostgresMembershipSchema.Tables, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (key, text) in PostgresMembershipSchema.Queries)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO orleansquery (querykey, querytext) VALUES (@key, @text)
                ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext
                """,
                connection,
                transaction);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("text", text);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        ClusteringLog.PostgresSchemaReady(logger, connection.Database, PostgresMembershipSchema.Queries.Count);
    }

}
