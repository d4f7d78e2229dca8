using System.Net;
using Microsoft.Extensions.Options;
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

        // The providers read their connection string while the silo is being built, before the host validates options.
        var validation = new OrleansHostOptionsValidator().Validate(OrleansHostOptions.SectionName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OrleansHostOptions.SectionName, typeof(OrleansHostOptions), validation.Failures);
        }

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        ConfigureEndpoints(silo, options);

        // The distributed grain directory rebuilds a departed silo's part of the directory from the survivors'
        // activations. With the default directory, a call whose directory entry lived on the silo that left could be
        // re-activated empty on its next message: the survivor's call lost its state and its record.
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10; the two-silo tests cover what we rely on
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003

        // Grains without a strategy of their own go where they are called from: the media path stays in one silo.
        silo.Services.AddSingleton<PlacementStrategy, PreferLocalPlacement>();

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
