namespace Voicebot.Host.Http;

/// <summary>
/// <c>GET /cluster/silos</c>: this silo's address and the members this silo currently sees, for operators and the
/// multi-silo test; requires the operator token when one is configured. Compare <c>local</c> with a call's <c>silo</c> (<c>GET /calls/{id}</c>) to see where it runs.
/// </summary>
public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpOptions>>();
        endpoints.MapGet("/cluster/silos", (ILocalSiloDetails local, IClusterMembershipService membership) =>
        {
            var snapshot = membership.CurrentSnapshot;
            var silos = snapshot.Members.Values
                .OrderBy(member => member.SiloAddress.ToString(), StringComparer.Ordinal)
                .Select(member => new ClusterSilo(member.SiloAddress.ToString(), member.Name, member.Status.ToString()))
                .ToArray();
            return Results.Json(new ClusterView(local.SiloAddress.ToString(), local.Name, snapshot.Version.Value, silos));
        }).AddEndpointFilter(new OperatorTokenFilter(options, openOnLoopback: false));
        return endpoints;
    }

    /// <summary>What <c>GET /cluster/silos</c> returns.</summary>
    public sealed record ClusterView(string Local, string Name, long Version, IReadOnlyList<ClusterSilo> Silos);

    /// <summary>One member of the cluster as this silo sees it.</summary>
    public sealed record ClusterSilo(string Address, string Name, string Status);
}
