using System.Security.Cryptography;
using System.Text;

namespace Spgd.Evaluation.Manifests;

/// <summary>
/// What a job evaluated, written beside its summaries: the images (name, size, SHA-256) in evaluation order, the job
/// spec, the software version, the model's digest and every item's seed.
/// </summary>
/// <remarks>
/// <see cref="Digest"/> covers exactly the data and the weights: the format tag, <see cref="Model"/>, and each entry's
/// name, byte size and SHA-256 in evaluation order. It does NOT cover the spec, seeds, software version, split name or
/// source location, on purpose: two methods or presets (different specs) run on the same images with the same weights
/// share a digest, which is what makes their tables comparable and their per-image differences pairable.
/// The canonical text hashed (UTF-8, '\n' line ends, numbers in invariant decimal):
/// <code>
/// spgd-manifest-v1
/// model &lt;Model&gt;
/// entries &lt;count&gt;
/// &lt;name&gt;\t&lt;bytes&gt;\t&lt;sha256&gt;      (one line per entry, in evaluation order)
/// </code>
/// </remarks>
public sealed class DatasetManifest
{
    private readonly IReadOnlyList<ManifestEntry> entries = [];
    private readonly string model = "";
    private string? digest, dataDigest;

    /// <summary>The images in evaluation order. Names must be unique, non-empty and free of tabs and line breaks.</summary>
    public required IReadOnlyList<ManifestEntry> Entries
    {
        get => entries;
        init
        {
            Validate(value);
            entries = value;
        }
    }

    /// <summary>
    /// The prior: <c>sha256:&lt;hex&gt;</c> of the checkpoint (<see cref="ModelDigest.OfFile"/>) or a descriptor such as
    /// <see cref="ModelDigest.SpectralGaussian"/>.
    /// </summary>
    public required string Model
    {
        get => model;
        init
        {
            if (string.IsNullOrWhiteSpace(value) || value.AsSpan().IndexOfAny('\n', '\r') >= 0)
                throw new ArgumentException($"Manifest model digest must be one non-empty line, got '{value}'.", nameof(Model));
            model = value;
        }
    }

    /// <summary>The job spec as JSON (opaque here), or null.</summary>
    public string? Spec { get; init; }

    /// <summary>The software that ran the job (<see cref="Evaluation.SoftwareVersion.Current"/>: version + git commit).</summary>
    public string SoftwareVersion { get; init; } = Evaluation.SoftwareVersion.Current;

    /// <summary>Seed of each item (item id → seed), so any single item can be re-run alone.</summary>
    public IReadOnlyDictionary<string, ulong> Seeds { get; init; } = new Dictionary<string, ulong>();

    /// <summary>The named split (<see cref="Splits.DatasetSplits"/>) the images were resolved from, or null.</summary>
    public string? Split { get; init; }

    /// <summary>Where the images were read (folder or blob prefix); informational, not part of the digest.</summary>
    public string? Source { get; init; }

    /// <summary>Files of the source folder that are not images and were skipped (not failed); not part of the digest.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>SHA-256 (hex) of the canonical text of the format tag, model and entries (see remarks).</summary>
    public string Digest => digest ??= Hash(Canonical(includeModel: true));

    /// <summary>SHA-256 (hex) of the entries alone (header <c>spgd-data-v1</c>, no model line): same images, any weights.</summary>
    public string DataDigest => dataDigest ??= Hash(Canonical(includeModel: false));

    /// <summary>Writes the manifest as JSON to <paramref name="path"/> (see <see cref="ManifestJson"/>).</summary>
    public void Save(string path) => ManifestJson.Save(this, path);

    /// <summary>Reads a manifest written by <see cref="Save"/>, checking that its recorded digest matches its contents.</summary>
    public static DatasetManifest Load(string path) => ManifestJson.Load(path);

    private string Canonical(bool includeModel)
    {
        var text = new StringBuilder(includeModel ? "spgd-manifest-v1\n" : "spgd-data-v1\n");
        if (includeModel) text.Append("model ").Append(Model).Append('\n');
        text.Append("entries ").Append(Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        foreach (var e in Entries)
            text.Append(e.Name).Append('\t').Append(e.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\t').Append(e.Sha256).Append('\n');
        return text.ToString();
    }

    private static string Hash(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static void Validate(IReadOnlyList<ManifestEntry> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in list)
        {
            if (string.IsNullOrEmpty(e.Name) || e.Name.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
                throw new ArgumentException($"Manifest entry name '{e.Name}' must be non-empty and contain no tab or line break.", nameof(Entries));
            if (!seen.Add(e.Name)) throw new ArgumentException($"Manifest lists '{e.Name}' twice.", nameof(Entries));
            if (e.Bytes < 0) throw new ArgumentException($"Manifest entry '{e.Name}' has negative size {e.Bytes}.", nameof(Entries));
            if (e.Sha256 is not { Length: 64 } || !e.Sha256.All(char.IsAsciiHexDigitLower))
                throw new ArgumentException($"Manifest entry '{e.Name}' has SHA-256 '{e.Sha256}', expected 64 lower-case hex digits.", nameof(Entries));
        }
    }
}
