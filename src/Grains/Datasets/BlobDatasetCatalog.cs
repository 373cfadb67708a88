using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Evaluation.Splits;

namespace Spgd.Grains.Datasets;

/// <summary>
/// Lists a data set under a blob prefix once, when the job starts (the job persists the listing): the image blobs
/// directly under the prefix (<see cref="ImageFileNames.IsImage"/>) in ordinal name order, as a folder's files are,
/// or a named split's exact list; then the index range.
/// </summary>
public static class BlobDatasetCatalog
{
    /// <summary>The source of a <see cref="DatasetKind.Blob"/> data set.</summary>
    /// <exception cref="ArgumentException">The data set is not a blob prefix, or names a container the storage cannot hold.</exception>
    public static BlobDatasetSource SourceOf(DatasetRef dataset, DatasetStores stores)
    {
        if (dataset.Kind != DatasetKind.Blob || dataset.BlobPrefix is null)
            throw new ArgumentException($"Data set '{dataset.Label}' is not under a blob prefix.", nameof(dataset));
        return new BlobDatasetSource(stores.For(dataset.BlobContainer), dataset.BlobPrefix, dataset.BlobContainer);
    }

    /// <summary>The images of a blob data set, in a stable order.</summary>
    /// <exception cref="MissingManifestFilesException">A split's files are missing (all listed).</exception>
    /// <exception cref="InvalidDataException">The prefix holds no image, or the range selects none.</exception>
    public static async Task<IReadOnlyList<DatasetImage>> ListAsync(DatasetRef dataset, DatasetStores stores, CancellationToken cancellationToken = default)
    {
        var source = SourceOf(dataset, stores);
        var names = await source.ListAsync(cancellationToken);
        IReadOnlyList<string> files;
        if (dataset.Split is { } split)
        {
            if (!DatasetSplits.TryGet(split, out var known))
                throw new ArgumentException($"Unknown data set split '{split}'; known splits: {string.Join(", ", DatasetSplits.All.Select(s => s.Name))}.");
            files = known.Resolve(names, source.Location);
        }
        else
        {
            files = names.Where(ImageFileNames.IsImage).Order(StringComparer.Ordinal).ToList();
        }

        return DatasetSelection.Images(files, dataset, source.Location);
    }
}
