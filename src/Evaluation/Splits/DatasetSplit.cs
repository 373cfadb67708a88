using Spgd.Evaluation.Manifests;

namespace Spgd.Evaluation.Splits;

/// <summary>A named, fixed list of images that the paper's evaluations use, independent of where the user keeps them.</summary>
/// <param name="Name">Split name used in specs and on the command line, e.g. <c>ffhq-val-1k</c>.</param>
/// <param name="Description">What the images are and where they come from.</param>
/// <param name="ImageSize">Side of the square images the evaluation runs at.</param>
/// <param name="FileNames">The file names, in evaluation order.</param>
/// <param name="Rationale">Why exactly these images (the convention followed, or how the list was defined).</param>
public sealed record DatasetSplit(string Name, string Description, int ImageSize, IReadOnlyList<string> FileNames, string Rationale)
{
    /// <summary>
    /// The split's files in evaluation order among <paramref name="available"/> names (those of a folder or below a blob
    /// prefix); extra names are ignored.
    /// </summary>
    /// <exception cref="MissingManifestFilesException">Some of the split's files are not available: the message lists the first
    /// <see cref="MissingManifestFilesException.ListedInMessage"/> and the count; <c>Missing</c> holds them all.</exception>
    public IReadOnlyList<string> Resolve(IEnumerable<string> available, string location)
    {
        var have = available.ToHashSet(StringComparer.Ordinal);
        var missing = FileNames.Where(n => !have.Contains(n)).ToList();
        if (missing.Count > 0) throw new MissingManifestFilesException(location, missing, FileNames.Count, $"split '{Name}'");
        return FileNames;
    }

    /// <summary>
    /// Checks that <paramref name="source"/> (a folder or blob prefix) holds every file of the split, then hashes them in
    /// split order: the entries of the manifest of a job over this split. Call it before the job starts.
    /// </summary>
    /// <exception cref="MissingManifestFilesException">Files are missing; nothing is hashed and the message names the split.</exception>
    public async Task<IReadOnlyList<ManifestEntry>> ManifestEntriesAsync(IManifestSource source, CancellationToken cancellationToken = default)
    {
        var names = Resolve(await source.ListAsync(cancellationToken), source.Location);
        return await ManifestEntries.FromSourceAsync(source, names, cancellationToken);
    }

    /// <summary>Full paths of the split's files inside <paramref name="folder"/>, in evaluation order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="MissingManifestFilesException">Some files are missing (see <see cref="Resolve(IEnumerable{string}, string)"/>).</exception>
    public IReadOnlyList<string> Resolve(string folder)
    {
        var source = new FolderManifestSource(folder);
        var names = Resolve(source.ListAsync().GetAwaiter().GetResult(), source.Location);
        return names.Select(source.PathOf).ToList();
    }
}
