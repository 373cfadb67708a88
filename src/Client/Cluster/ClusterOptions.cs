using System.CommandLine;

namespace Spgd.Client.Cluster;

/// <summary>The options every cluster command shares.</summary>
public static class ClusterCommandOptions
{
    /// <summary><c>--clustering localhost|redis://HOST:PORT|azure</c> (default: SPGD_CLUSTERING or localhost).</summary>
    public static Option<string> Clustering() => new("--clustering")
    {
        Description = "Cluster membership: 'localhost', 'redis://HOST:PORT' or 'azure' (tables of the SPGD_STORAGE account)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SPGD_CLUSTERING") is { Length: > 0 } c ? c : "localhost",
    };

    /// <summary><c>--storage DIR|CONNSTR</c> (default: SPGD_STORAGE).</summary>
    public static Option<string?> Storage() => new("--storage")
    {
        Description = "Results storage: a folder path or an Azure storage connection string",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SPGD_STORAGE") is { Length: > 0 } s ? s : null,
    };

    /// <summary><c>--gateway-port</c> for localhost clusters.</summary>
    public static Option<int> GatewayPort() => new("--gateway-port")
    {
        Description = "Gateway port of a localhost cluster",
        DefaultValueFactory = _ => 30000,
    };
}
