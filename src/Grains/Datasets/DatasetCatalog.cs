using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Datasets;

/// <summary>An image of a data set: its id (used in item ids and keys) and where to load it from.</summary>
/// <param name="Id">File name without extension (the full name when two files share a stem), or <c>demo-NNN</c>.</param>
/// <param name="Source">File name inside the folder, or the demo sample index.</param>
public sealed record DatasetImage(string Id, string Source);

/// <summary>
/// Lists the images of a data set once, when the job starts; the job persists the listing so that a
/// resumed job never sees a different set. A folder's non-hidden files with an image extension or signature
/// (<see cref="ImageFiles"/>) are the images; a file among them that does not decode becomes a failed item with its
/// reason rather than silently vanishing. Other files are listed by <see cref="Skipped"/> (the manifest names them).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The images of <paramref name="dataset"/>, in a stable order.</summary>
    public static IReadOnlyList<DatasetImage> List(DatasetRef dataset)
    {
        switch (dataset.Kind)
        {
            case DatasetKind.SpectralDemo:
                if (dataset.Count <= 0)
                    throw new ArgumentException($"Demo data set needs a positive image count, got {dataset.Count}.");
                return Enumerable.Range(0, dataset.Count)
                    .Select(i => new DatasetImage($"demo-{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                    .ToList();
            case DatasetKind.Folder:
                if (string.IsNullOrEmpty(dataset.Path) || !Directory.Exists(dataset.Path))
                    throw new DirectoryNotFoundException($"Data set folder '{dataset.Path}' does not exist.");
                var files = dataset.Split is { } split
                    ? SplitFiles(split, dataset.Path)
                    : Directory.EnumerateFiles(dataset.Path)
                        .Select(Path.GetFileName)
                        .OfType<string>()
                        .Where(n => !n.StartsWith('.') && ImageFiles.IsCandidate(Path.Combine(dataset.Path, n)))
                        .Order(StringComparer.Ordinal)
                        .ToList();
                return DatasetSelection.Images(files, dataset, dataset.Path);
            default:
                // Blob data sets are listed asynchronously, through the store: BlobDatasetCatalog.
                throw new ArgumentOutOfRangeException(nameof(dataset), dataset.Kind, "Unknown data set kind.");
        }
    }

    /// <summary>The non-hidden files of a folder data set that are not images (none for the demo or a named split).</summary>
    public static IReadOnlyList<string> Skipped(DatasetRef dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Kind != DatasetKind.Folder || dataset.Split is not null || dataset.Path is null || !Directory.Exists(dataset.Path)) return [];
        return Directory.EnumerateFiles(dataset.Path).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.') && !ImageFiles.IsCandidate(Path.Combine(dataset.Path, n)))
            .Order(StringComparer.Ordinal).ToList();
    }

    // A named split is an exact list in its own order: a missing file refuses the job (the exception lists them).
    private static List<string> SplitFiles(string split, string folder)
    {
        if (!Evaluation.Splits.DatasetSplits.TryGet(split, out var known))
            throw new ArgumentException($"Unknown data set split '{split}'; known splits: {string.Join(", ", Evaluation.Splits.DatasetSplits.All.Select(s => s.Name))}.");
        return known.Resolve(folder).Select(Path.GetFileName).OfType<string>().ToList();
    }
}
