namespace Spgd.Evaluation.Manifests;

/// <summary>Re-checks a data set against a manifest: every listed file present with the recorded size and SHA-256.</summary>
public static class ManifestVerifier
{
    /// <summary>Checks the files of <paramref name="folder"/> against <paramref name="manifest"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static ManifestVerificationReport Verify(DatasetManifest manifest, string folder) =>
        VerifyAsync(manifest, new FolderManifestSource(folder)).GetAwaiter().GetResult();

    /// <summary>Checks the files of any <paramref name="source"/> (e.g. a blob prefix) against <paramref name="manifest"/>.</summary>
    public static async Task<ManifestVerificationReport> VerifyAsync(
        DatasetManifest manifest, IManifestSource source, CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        var changed = new List<ManifestMismatch>();
        var found = new List<ManifestEntry>(manifest.Entries.Count);
        foreach (var expected in manifest.Entries)
        {
            await using var stream = await source.OpenReadAsync(expected.Name, cancellationToken);
            if (stream is null)
            {
                missing.Add(expected.Name);
                continue;
            }

            var actual = await ManifestEntries.HashAsync(expected.Name, stream, cancellationToken);
            found.Add(actual);
            if (actual != expected) changed.Add(new ManifestMismatch(expected.Name, expected, actual));
        }

        var listed = manifest.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var extra = ImageFileNames.OrderedImages(await source.ListAsync(cancellationToken)).Where(n => !listed.Contains(n)).ToList();
        // The data's own digest (same model line) lets a report show how far the data set has drifted.
        var actualDigest = missing.Count == 0 ? new DatasetManifest { Entries = found, Model = manifest.Model }.Digest : null;
        return new ManifestVerificationReport(source.Location, manifest.Digest, actualDigest, found.Count, missing, changed, extra);
    }
}
