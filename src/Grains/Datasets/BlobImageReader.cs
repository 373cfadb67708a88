using System.Collections.Concurrent;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Devices;

namespace Spgd.Grains.Datasets;

/// <summary>
/// Reads the bytes of a blob data set's image for an item on a compute silo: from the local cache when it holds the
/// digest the job's manifest recorded, else from blob storage. The bytes read must have exactly the manifest's size and
/// SHA-256: a blob changed (or deleted) since the job started fails its item, naming the blob, the digests and the ETag,
/// and is never retried (every retry would read the same changed blob). The data set is never silently different.
/// </summary>
public sealed class BlobImageReader(DatasetStores stores, BlobImageCache cache)
{
    // Manifests of the jobs this silo ran items of, by job id; a few jobs at a time, so the dictionary stays small.
    private const int ManifestsKept = 16;
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, ManifestEntry>>>> _manifests = new(StringComparer.Ordinal);

    /// <summary>The cache in use.</summary>
    public BlobImageCache Cache => cache;

    /// <summary>Blocking form of <see cref="ReadAsync"/>, for a device thread.</summary>
    public byte[] Read(WorkItem item, CancellationToken cancellationToken = default) =>
        ReadAsync(item, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The bytes of <paramref name="item"/>'s image, checked against the job's manifest.</summary>
    /// <exception cref="DeterministicItemException">The image is not in the manifest, the blob is gone, or its content changed.</exception>
    public async Task<byte[]> ReadAsync(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var dataset = item.Settings.Dataset;
        var entries = await ManifestOf(item.JobId);
        if (!entries.TryGetValue(item.ImageSource, out var expected))
            throw new DeterministicItemException($"Image '{item.ImageSource}' is not in job {item.JobId}'s manifest; it cannot be checked, so it is not read.");
        if (cache.TryGet(expected.Sha256) is { } cached) return cached;

        var source = BlobDatasetCatalog.SourceOf(dataset, stores);
        var name = source.Prefix + item.ImageSource;
        var blob = await source.GetAsync(item.ImageSource, cancellationToken)
            ?? throw new DeterministicItemException($"Blob '{name}' no longer exists; it was listed in job {item.JobId}'s manifest.");
        var actual = BlobImageCache.Sha256Of(blob.Content);
        if (actual != expected.Sha256 || blob.Content.LongLength != expected.Bytes)
            throw new DeterministicItemException(
                $"Blob '{name}' changed since job {item.JobId}'s manifest was built: now {blob.Content.LongLength} bytes, SHA-256 {actual} " +
                $"(ETag {blob.ETag}); the manifest recorded {expected.Bytes} bytes, SHA-256 {expected.Sha256}. Not restored on different data.");
        cache.Put(actual, blob.Content);
        return blob.Content;
    }

    private async Task<IReadOnlyDictionary<string, ManifestEntry>> ManifestOf(string jobId)
    {
        if (_manifests.Count >= ManifestsKept && !_manifests.ContainsKey(jobId)) _manifests.Clear();
        var lazy = _manifests.GetOrAdd(jobId, id => new Lazy<Task<IReadOnlyDictionary<string, ManifestEntry>>>(() => LoadManifestAsync(id)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _manifests.TryRemove(jobId, out _); // not cached: a store outage must not fail the job's later items
            throw;
        }
    }

    private async Task<IReadOnlyDictionary<string, ManifestEntry>> LoadManifestAsync(string jobId)
    {
        var key = ItemKeys.Manifest(jobId);
        var blob = await stores.Cluster.GetAsync(key)
            ?? throw new DeterministicItemException($"Job {jobId}'s manifest ({key}) is missing: the data set's blobs cannot be checked, so they are not read.");
        var manifest = ManifestJson.Parse(blob.Content, key);
        return manifest.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }
}
