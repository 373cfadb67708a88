using System.Security.Cryptography;

namespace Spgd.Evaluation.Manifests;

/// <summary>Hashes a data set's images into <see cref="ManifestEntry"/> lists, in evaluation order.</summary>
public static class ManifestEntries
{
    /// <summary>Every image (<see cref="ImageFileNames.IsImage"/>) directly inside <paramref name="folder"/>, in natural order.</summary>
    public static IReadOnlyList<ManifestEntry> FromFolder(string folder) =>
        FromSourceAsync(new FolderManifestSource(folder)).GetAwaiter().GetResult();

    /// <summary>The files <paramref name="names"/> of <paramref name="folder"/>, in exactly the order given.</summary>
    /// <exception cref="MissingManifestFilesException">Some of the names are not in the folder.</exception>
    public static IReadOnlyList<ManifestEntry> FromFolder(string folder, IEnumerable<string> names) =>
        FromSourceAsync(new FolderManifestSource(folder), names).GetAwaiter().GetResult();

    /// <summary>
    /// Hashes <paramref name="names"/> from <paramref name="source"/> in the order given, or, when null, every image the
    /// source lists in natural order (<see cref="ImageFileNames.OrderedImages"/>).
    /// </summary>
    /// <exception cref="MissingManifestFilesException">Some of the names are not in the source; all are listed.</exception>
    /// <exception cref="InvalidDataException">The source holds no image at all.</exception>
    /// <param name="source">Where the files are.</param>
    /// <param name="names">The names in evaluation order; null: every image of the source.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <param name="parallelism">Files read and hashed at once (a remote source such as a blob prefix gains from several); the
    /// entries keep the order of <paramref name="names"/> whatever it is.</param>
    public static async Task<IReadOnlyList<ManifestEntry>> FromSourceAsync(
        IManifestSource source, IEnumerable<string>? names = null, CancellationToken cancellationToken = default, int parallelism = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var ordered = names?.ToList() ?? [.. ImageFileNames.OrderedImages(await source.ListAsync(cancellationToken))];
        if (ordered.Count == 0) throw new InvalidDataException($"Data set '{source.Location}' holds no image ({string.Join(", ", ImageFileNames.Extensions)}).");
        var found = new ManifestEntry?[ordered.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ordered.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                await using var stream = await source.OpenReadAsync(ordered[i], ct);
                if (stream is not null) found[i] = await HashAsync(ordered[i], stream, ct);
            });

        var missing = ordered.Where((_, i) => found[i] is null).ToList();
        if (missing.Count > 0) throw new MissingManifestFilesException(source.Location, missing, ordered.Count);
        return found.Select(e => e!).ToList();
    }

    /// <summary>The entry of one file: its byte count and SHA-256 read from <paramref name="content"/> to its end.</summary>
    public static async Task<ManifestEntry> HashAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long bytes = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            bytes += read;
        }

        return new ManifestEntry(name, bytes, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
