namespace Spgd.Evaluation.Manifests;

/// <summary>Files a manifest or split needs are not in the data set; the message lists the first few and the count.</summary>
public sealed class MissingManifestFilesException : FileNotFoundException
{
    /// <summary>How many missing names the message spells out.</summary>
    public const int ListedInMessage = 10;

    /// <summary>Creates the exception for <paramref name="missing"/> names out of <paramref name="expected"/> in <paramref name="location"/>.</summary>
    public MissingManifestFilesException(string location, IReadOnlyList<string> missing, int expected, string? what = null)
        : base(Describe(location, missing, expected, what))
    {
        Location = location;
        Missing = missing;
        Expected = expected;
    }

    /// <summary>The data set's folder or blob prefix.</summary>
    public string Location { get; }

    /// <summary>Every missing name, in evaluation order.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>How many files were expected in all.</summary>
    public int Expected { get; }

    private static string Describe(string location, IReadOnlyList<string> missing, int expected, string? what)
    {
        var shown = string.Join(", ", missing.Take(ListedInMessage));
        var more = missing.Count > ListedInMessage ? $", … ({missing.Count - ListedInMessage} more)" : "";
        return $"{missing.Count} of {expected} files{(what is null ? "" : " of " + what)} are missing from '{location}': {shown}{more}.";
    }
}
