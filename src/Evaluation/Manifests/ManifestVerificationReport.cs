using System.Text;

namespace Spgd.Evaluation.Manifests;

/// <summary>The result of re-checking a data set against a manifest.</summary>
/// <param name="Location">The folder or blob prefix checked.</param>
/// <param name="ExpectedDigest">The manifest's <see cref="DatasetManifest.Digest"/>.</param>
/// <param name="ActualDigest">The digest of the manifest with its entries re-hashed from the data, or null when files are missing.</param>
/// <param name="Checked">How many manifest entries were found and hashed.</param>
/// <param name="Missing">Manifest entries with no file, in evaluation order.</param>
/// <param name="Changed">Files whose size or SHA-256 differ, in evaluation order.</param>
/// <param name="Extra">Images in the data set that the manifest does not list, in natural order.</param>
public sealed record ManifestVerificationReport(
    string Location,
    string ExpectedDigest,
    string? ActualDigest,
    int Checked,
    IReadOnlyList<string> Missing,
    IReadOnlyList<ManifestMismatch> Changed,
    IReadOnlyList<string> Extra)
{
    /// <summary>How many items of each list <see cref="Describe"/> spells out.</summary>
    public const int ListedPerKind = 20;

    /// <summary>Every manifest entry is present with the recorded bytes (extra files are allowed: a split may be a subset).</summary>
    public bool IsMatch => Missing.Count == 0 && Changed.Count == 0;

    /// <summary><see cref="IsMatch"/> and the data set holds no image outside the manifest.</summary>
    public bool IsExactMatch => IsMatch && Extra.Count == 0;

    /// <summary>A human-readable report: a verdict line, then the missing, changed and extra files.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(IsMatch
            ? $"OK: {Checked} files in '{Location}' match manifest {ExpectedDigest}.\n"
            : $"MISMATCH: '{Location}' does not match manifest {ExpectedDigest}: {Missing.Count} missing, {Changed.Count} changed.\n");
        if (ActualDigest is not null && ActualDigest != ExpectedDigest) text.Append($"digest of the data as found: {ActualDigest}\n");
        AppendList(text, "missing", Missing);
        AppendList(text, "changed", Changed.Select(c => c.ToString()).ToList());
        AppendList(text, "extra (not in the manifest)", Extra);
        return text.ToString();
    }

    private static void AppendList(StringBuilder text, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        text.Append($"{title} ({items.Count}):\n");
        foreach (var item in items.Take(ListedPerKind)) text.Append("  ").Append(item).Append('\n');
        if (items.Count > ListedPerKind) text.Append($"  … and {items.Count - ListedPerKind} more\n");
    }
}
