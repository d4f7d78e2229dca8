using System.Net;
using Orleans.Configuration;
using StackExchange.Redis;
using Voicebot.Host.Hosting.Postgres;

namespace Voicebot.Host.Hosting;

/// <summary>
/// Chooses the silo's membership provider from <see cref="OrleansHostOptions.Membership"/>: localhost (one silo, the
/// default), Redis or PostgreSQL. Every silo co-hosts its own AudioSocket gateway, and a call's grain is placed on the
/// silo that accepted the socket (<c>[PreferLocalPlacement]</c>), so the cluster only shares membership and routing.
/// </summary>
public static class ClusteringSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant name Orleans maps to Npgsql's provider factory.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder UseVoicebotClustering(this ISiloBuilder silo, OrleansHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Membership == ClusteringProvider.Localhost)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            return silo;
        }

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        ConfigureEndpoints(silo, options);

        // Connection strings are read lazily, so a missing one fails the options validation with a clear message
        // rather than a parse error while the host is being built.
        if (options.Membership == ClusteringProvider.Redis)
        {
            silo.UseRedisClustering(redis => redis.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString ?? string.Empty));
        }
        else
        {
            silo.UseAdoNetClustering(adoNet =>
            {
                adoNet.Invariant = NpgsqlInvariant;
                adoNet.ConnectionString = options.PostgresConnectionString;
            });
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PostgresMembershipSchemaInstaller>();
        }

        return silo;
    }

    private static void ConfigureEndpoints(ISiloBuilder silo, OrleansHostOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AdvertisedAddress))
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.ListenOnAnyAddress);
        }
        else if (IPAddress.TryParse(options.AdvertisedAddress, out var address))
        {
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, options.ListenOnAnyAddress);
        }
        else
        {
            silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: options.ListenOnAnyAddress);
        }
    }
}
