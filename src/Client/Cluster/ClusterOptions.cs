using System.CommandLine;

namespace Spgd.Client.Cluster;

/// <summary>
/// The options every cluster command shares. Settings that may hold secrets (a connection string, a Redis password) are
/// read from the environment when the command runs, never as option defaults: help shows an option's default value.
/// </summary>
public static class ClusterCommandOptions
{
    /// <summary>Environment variable holding the cluster membership setting.</summary>
    public const string ClusteringVariable = "SPGD_CLUSTERING";

    /// <summary>Environment variable holding the storage setting (a folder or an Azure connection string).</summary>
    public const string StorageVariable = "SPGD_STORAGE";

    /// <summary><c>--clustering localhost|redis://HOST:PORT|azure</c>; read with <see cref="ClusteringOf"/>.</summary>
    public static Option<string?> Clustering() => new("--clustering")
    {
        Description = $"Cluster membership: 'localhost', 'redis://HOST:PORT' or 'azure' (tables of the ${StorageVariable} account; default: ${ClusteringVariable}, else localhost)",
    };

    /// <summary><c>--storage DIR|CONNSTR</c>; read with <see cref="StorageOf"/>.</summary>
    public static Option<string?> Storage() => new("--storage")
    {
        Description = $"Storage: a folder path or an Azure storage connection string (default: ${StorageVariable})",
    };

    /// <summary>The <c>--clustering</c> value, else <c>$SPGD_CLUSTERING</c>, else <c>localhost</c>.</summary>
    public static string ClusteringOf(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { Length: > 0 } c ? c : FromEnvironment(ClusteringVariable) ?? "localhost";

    /// <summary>The <c>--storage</c> value, else <c>$SPGD_STORAGE</c>, else null.</summary>
    public static string? StorageOf(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { Length: > 0 } s ? s : FromEnvironment(StorageVariable);

    /// <summary>The <c>--storage</c> value or <c>$SPGD_STORAGE</c>; throws naming both when neither is set.</summary>
    public static string RequiredStorageOf(ParseResult parse, Option<string?> option) => StorageOf(parse, option)
        ?? throw new ArgumentException($"--storage (or ${StorageVariable}) is needed: the cluster's folder or Azure connection string.");

    /// <summary><c>--gateway-port</c> for localhost clusters.</summary>
    public static Option<int> GatewayPort() => new("--gateway-port")
    {
        Description = "Gateway port of a localhost cluster",
        DefaultValueFactory = _ => 30000,
    };

    private static string? FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;
}
