namespace Spgd.Silo;

/// <summary>Parses the <c>--clustering</c> setting shared by silos and clients.</summary>
public static class ClusterConnectionString
{
    /// <summary><c>HOST:PORT</c> for <c>redis://HOST:PORT</c>; null for <c>localhost</c> and <c>azure</c>; throws otherwise.</summary>
    public static string? RedisEndpoint(string clustering)
    {
        if (string.Equals(clustering, "localhost", StringComparison.OrdinalIgnoreCase) || IsAzure(clustering)) return null;
        if (clustering.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && clustering.Length > "redis://".Length)
            return clustering["redis://".Length..].TrimEnd('/');
        throw new ArgumentException($"Clustering '{clustering}' is not valid: expected 'localhost', 'redis://HOST:PORT' or 'azure'.");
    }

    /// <summary>True for <c>azure</c>: membership (and reminders) in Azure Table Storage of the storage account.</summary>
    public static bool IsAzure(string clustering) => string.Equals(clustering, "azure", StringComparison.OrdinalIgnoreCase);
}
