using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Voicebot.Records;
using Voicebot.Records.Storage;

namespace Voicebot.Cli.Commands;

/// <summary>The call record store as the host configures it (appsettings.json next to the binaries, .env, environment), for <c>voicebot calls</c>.</summary>
internal static class CallRecordServices
{
    public static (ServiceProvider Services, CallRecordsOptions Options) Build(string[] configArgs)
    {
        var contentRoot = HostConfiguration.ContentRoot;
        var configuration = HostConfiguration.Build(configArgs);

        var services = new ServiceCollection()
            .AddLogging()
            .AddCallRecords(configuration, contentRoot)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            return (services, services.GetRequiredService<IOptions<CallRecordsOptions>>().Value);
        }
        catch (OptionsValidationException)
        {
            services.Dispose();
            throw;
        }
    }

    /// <summary>Where the records are, for messages: the file, or the server and database (never the password).</summary>
    public static string Describe(CallRecordsOptions options, ICallRecordStore store)
    {
        if (store is SqliteCallRecordStore sqlite)
        {
            return $"SQLite {sqlite.Path}";
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL (unreadable connection string)";
        }
    }
}
