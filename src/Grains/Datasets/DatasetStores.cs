using System.Collections.Concurrent;
using Spgd.Storage;

namespace Spgd.Grains.Datasets;

/// <summary>
/// The blob stores a silo reads data sets from: the cluster's own store, or another container of the same Azure
/// account (<c>dataset.blob_container</c>), opened once each.
/// </summary>
/// <param name="clusterStore">The store of results and grain state.</param>
/// <param name="openContainer">Opens another container of the same account; null where the storage is a folder.</param>
public sealed class DatasetStores(IBlobStore clusterStore, Func<string, IBlobStore>? openContainer)
{
    private readonly ConcurrentDictionary<string, IBlobStore> _containers = new(StringComparer.Ordinal);

    /// <summary>The store holding <paramref name="container"/>: the cluster's own when null.</summary>
    /// <exception cref="ArgumentException">A container was named but the cluster's storage is a folder.</exception>
    public IBlobStore For(string? container)
    {
        if (container is null) return clusterStore;
        if (openContainer is null)
            throw new ArgumentException($"dataset.blob_container '{container}' needs Azure storage; this cluster stores in a folder ({clusterStore}).");
        return _containers.GetOrAdd(container, openContainer);
    }

    /// <summary>The cluster's own store (job manifests live there).</summary>
    public IBlobStore Cluster => clusterStore;
}
