using System.Text.Json;
using Spgd.Contracts.Jobs;
using Spgd.Core.Denoising;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Datasets;
using Spgd.Grains.Devices;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Builds a job's <see cref="DatasetManifest"/> at submission: the images in evaluation order with size and SHA-256,
/// the spec, the model digest and every item's seed. Its digest (data + weights only) is what makes two runs of a
/// study comparable; <c>spgd verify</c> checks a folder against it.
/// </summary>
internal static class JobManifest
{
    // Blobs fetched and hashed at once when a blob data set's manifest is built.
    private const int BlobHashParallelism = 8;

    /// <summary>The manifest of <paramref name="definition"/> over <paramref name="images"/>; <paramref name="seeds"/> maps item id → seed;
    /// a blob checkpoint is hashed from the cluster's own store in <paramref name="datasets"/>.</summary>
    /// <remarks>
    /// Folder and blob data sets hash the files as stored. The built-in demo images are a deterministic function of (index, size),
    /// so their entries hash that descriptor: cheap for jobs of thousands of demo images, and still changes with either.
    /// </remarks>
    public static async Task<DatasetManifest> BuildAsync(JobDefinition definition, IReadOnlyList<DatasetImage> images,
        IReadOnlyDictionary<string, ulong> seeds, DatasetStores datasets)
    {
        var dataset = definition.Dataset;
        IReadOnlyList<ManifestEntry> entries;
        string source;
        if (dataset.Kind is DatasetKind.Folder or DatasetKind.Blob)
        {
            // The same files in a folder and under a prefix give the same entries (names relative to the root).
            IManifestSource files = dataset.Kind == DatasetKind.Folder
                ? new FolderManifestSource(dataset.Path!)
                : BlobDatasetCatalog.SourceOf(dataset, datasets);
            // A blob prefix is read over the network: several blobs at once keep a large data set's submission short.
            entries = await ManifestEntries.FromSourceAsync(files, images.Select(i => i.Source),
                parallelism: dataset.Kind == DatasetKind.Blob ? BlobHashParallelism : 1);
            source = files.Location;
        }
        else
        {
            var list = new List<ManifestEntry>(images.Count);
            foreach (var image in images)
            {
                var descriptor = System.Text.Encoding.UTF8.GetBytes($"spgd builtin spectral-demo index {image.Source} size {dataset.Size}");
                list.Add(await ManifestEntries.HashAsync(image.Id, new MemoryStream(descriptor)));
            }

            entries = list;
            source = "builtin spectral-demo";
        }

        return new DatasetManifest
        {
            Entries = entries,
            Model = await ModelOfAsync(definition.Model, datasets.Cluster),
            // The manifest holds JSON: the resolved job definition (the YAML as submitted is the job folder's spec.yaml).
            Spec = JsonSerializer.Serialize(definition with { SpecText = null }, ItemJson.Options),
            Seeds = seeds,
            Split = dataset.Split,
            Source = source,
            Skipped = DatasetCatalog.Skipped(dataset),
        };
    }

    // A checkpoint the control silo cannot read is named, not hashed: the manifest says so instead of inventing a digest.
    // A blob checkpoint is hashed here, once: compute silos check the bytes they fetch against this digest.
    private static async Task<string> ModelOfAsync(ModelRef model, IBlobStore store)
    {
        if (model.CheckpointBlob is { } blob)
            return await store.GetAsync(blob) is { } stored
                ? ModelDigest.OfBytes(stored.Content)
                : $"unhashed:{model.Kind}:{model.Checkpoint} (no such blob in the job store)";
        if (model.Kind == "spectral-gaussian")
            return ModelDigest.SpectralGaussian(model.Variance ?? SpectralGaussianPrior.Default.Variance, model.Alpha ?? SpectralGaussianPrior.Default.Alpha);
        return model.Checkpoint is { } path && File.Exists(path)
            ? ModelDigest.OfFile(path)
            : $"unhashed:{model.Kind}:{model.Checkpoint ?? "no checkpoint"} (not readable on the control silo)";
    }
}
