namespace Spgd.Storage;

/// <summary>A blob name that could escape the store's root or is not portable between a folder and Azure.</summary>
public sealed class InvalidBlobNameException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InvalidBlobNameException(string? name, string reason)
        : base($"Invalid blob name {(name is null ? "(null)" : "'" + Printable(name) + "'")}: {reason}.", "name")
    {
        BlobName = name;
    }

    /// <summary>The rejected name.</summary>
    public string? BlobName { get; }

    // Control characters are shown escaped so the message itself stays readable in a log line.
    private static string Printable(string s) =>
        string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
