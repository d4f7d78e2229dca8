using Voicebot.Testing.Servers;

namespace Voicebot.Records.Tests.Support;

/// <summary>One private PostgreSQL server per test class; each test takes a database of its own.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => _server = await PostgresServer.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A fresh database; returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"records_{Guid.NewGuid():N}";
        await Server.CreateDatabaseAsync(name, cancellationToken);
        return Server.ConnectionStringFor(name);
    }
}
