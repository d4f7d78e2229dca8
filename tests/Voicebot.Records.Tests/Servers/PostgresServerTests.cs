using Npgsql;
using Voicebot.Testing.Servers;

namespace Voicebot.Records.Tests.Servers;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task PostgresServer_StopAndStart_KeepsDataOnSamePort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.CreateAsync(ct);
        await ExecuteAsync(server.ConnectionString, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42);", ct);

        await server.StopAsync(ct);
        var whileDown = await Record.ExceptionAsync(() => ExecuteAsync(server.ConnectionString, "SELECT 1", ct));
        await server.StartAsync(ct);

        Assert.NotNull(whileDown);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT v FROM kept", connection);
        Assert.Equal(42, await command.ExecuteScalarAsync(ct));
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
