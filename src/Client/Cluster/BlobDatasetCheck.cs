using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Storage;

namespace Spgd.Client.Cluster;

/// <summary>
/// The submitting client's check of a blob data set, when it knows the storage (<c>--storage</c> or <c>$SPGD_STORAGE</c>):
/// a prefix without a single image file is refused before anything reaches the cluster.
/// </summary>
public static class BlobDatasetCheck
{
    /// <summary>Throws, naming the field, when <paramref name="dataset"/> is a blob prefix holding no image file.</summary>
    public static async Task ThrowIfEmptyAsync(string storage, DatasetRef dataset, CancellationToken cancellationToken)
    {
        if (dataset.Kind != DatasetKind.Blob || dataset.BlobPrefix is not { } prefix) return;
        var store = dataset.BlobContainer is { } container ? BlobStoreFactory.CreateInContainer(storage, container) : BlobStoreFactory.Create(storage);
        var names = await store.ListAsync(prefix, cancellationToken);
        if (!names.Any(n => n.IndexOf('/', prefix.Length) < 0 && ImageFileNames.IsImage(n)))
            throw new ArgumentException($"dataset.blob_prefix: no image file ({string.Join(", ", ImageFileNames.Extensions)}) directly under '{prefix}' in {store}; upload one with 'spgd data upload DIR --prefix {prefix}'.");
    }
}
