namespace Spgd.Storage;

/// <summary>Reading Azure storage connection strings without ever echoing their secrets.</summary>
public static class ConnectionStrings
{
    /// <summary>Whether <paramref name="storage"/> looks like an Azure storage connection string rather than a folder path.</summary>
    public static bool IsAzure(string storage) =>
        storage.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || storage.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
        || storage.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key/value pairs of a connection string (keys case-insensitive).</summary>
    public static Dictionary<string, string> Parse(string connectionString)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) pairs[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }
        return pairs;
    }

    /// <summary>A name for the account that is safe to log: account name, blob endpoint, or "development storage".</summary>
    public static string AccountOf(string connectionString)
    {
        var pairs = Parse(connectionString);
        if (pairs.TryGetValue("AccountName", out var account) && account.Length > 0) return account;
        if (pairs.TryGetValue("BlobEndpoint", out var endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return uri.GetLeftPart(UriPartial.Path); // drops any SAS query
        if (pairs.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
            return "development storage";
        return "(unknown account)";
    }

    /// <summary>Shows only the keys of a connection string, e.g. <c>AccountName=devstoreaccount1;AccountKey=***</c>.</summary>
    public static string Redact(string connectionString) => string.Join(';', Parse(connectionString).Select(p =>
        p.Key.Equals("AccountName", StringComparison.OrdinalIgnoreCase) || p.Key.Equals("DefaultEndpointsProtocol", StringComparison.OrdinalIgnoreCase)
            ? $"{p.Key}={p.Value}" : $"{p.Key}=***"));
}
