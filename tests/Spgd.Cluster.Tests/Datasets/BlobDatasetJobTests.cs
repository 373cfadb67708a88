using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Datasets;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Datasets;

/// <summary>
/// Jobs over a blob prefix of the cluster's store: listed through the store (images only, sorted, index range), a
/// manifest with the same entries as the folder form of the same files, items restored from bytes read through the
/// silo's cache, and a blob changed after the manifest fails its item with that reason instead of running on other data.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BlobDatasetJobTests
{
    private const string Prefix = "datasets/faces/";

    [Fact]
    public async Task A_blob_prefix_job_restores_from_blob_bytes_with_the_folder_manifest_and_a_changed_blob_fails_its_item()
    {
        var photos = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).Take(4).ToList();
        var folder = TestPaths.NewTempDir("spgd-blob-folder");
        foreach (var p in photos) File.Copy(p, Path.Combine(folder, Path.GetFileName(p)));
        var cacheDir = TestPaths.NewTempDir("spgd-blob-cache");
        var changedImage = Path.GetFileName(photos[2]);
        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        BlobImageReader? reader = null;
        string? changedBy = null;

        await using var cluster = await SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 1 }, null],
            (_, sp) =>
            {
                reader = sp.GetRequiredService<BlobImageReader>();
                var core = new CoreWorkItemRunner(models, metrics, reader);
                // The fault: the third photo's blob is overwritten after the manifest was built, just before its item reads it.
                return new BeforeRun(core, item =>
                {
                    if (item.ImageSource != changedImage || changedBy is not null) return;
                    var store = sp.GetRequiredService<Spgd.Storage.IBlobStore>();
                    var bytes = File.ReadAllBytes(photos[0]);
                    changedBy = store.PutAsync(Prefix + changedImage, bytes).GetAwaiter().GetResult();
                });
            },
            configure: silo => silo.Services.AddSingleton(new BlobImageCache(cacheDir, BlobImageCache.DefaultMaxBytes)));
        foreach (var p in photos) await cluster.Store.Blobs.PutAsync(Prefix + Path.GetFileName(p), await File.ReadAllBytesAsync(p));
        await cluster.Store.Blobs.PutAsync(Prefix + "notes.txt", "not an image"u8.ToArray());
        await cluster.Store.Blobs.PutAsync(Prefix + "nested/extra.png", await File.ReadAllBytesAsync(photos[0]));

        var definition = TestJobs.Demo(images: 1, taskCount: 1, steps: 3, warmup: 1) with
        {
            Dataset = new DatasetRef { Kind = DatasetKind.Blob, BlobPrefix = Prefix, Size = 32, Label = "faces", EndIndex = 3 },
        };
        var submitted = await cluster.Client.GetGrain<IJobGrain>("blob-a").SubmitAsync(definition);
        Assert.True(submitted.State == JobState.Running, submitted.Error);
        Assert.Equal(3, submitted.Total); // 4 photos, end_index 3; notes.txt and nested/ are not part of the data set
        var status = await cluster.WaitForEndAsync("blob-a", TimeSpan.FromMinutes(3));

        // Same entries as the folder form of the same three files.
        var manifest = ManifestJson.Parse(cluster.Store.Bytes(ItemKeys.Manifest("blob-a")));
        var folderEntries = ManifestEntries.FromFolder(folder, photos.Take(3).Select(Path.GetFileName).OfType<string>());
        Assert.Equal(folderEntries, manifest.Entries);
        Assert.Equal($"blob:{Prefix}", manifest.Source);

        Assert.NotNull(changedBy); // the fault struck
        Assert.Equal(JobState.CompletedWithFailures, status.State);
        Assert.Equal(2, status.Succeeded);
        Assert.Equal(1, status.Failed);
        Assert.Equal(0, status.Retries); // a changed blob is deterministic: never retried
        var stem = Path.GetFileNameWithoutExtension(changedImage);
        var failed = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("blob-a", $"inpainting_random/{stem}-run0")), ItemJson.Options)!;
        Assert.Equal(OutcomeKind.FailedDeterministic, failed.Kind);
        Assert.Contains($"Blob '{Prefix}{changedImage}' changed since job blob-a's manifest", failed.Error);
        Assert.Contains(manifest.Entries[2].Sha256, failed.Error);

        // The two good photos were read from blob storage into the cache, under their manifest digests.
        Assert.NotNull(reader);
        foreach (var entry in manifest.Entries.Take(2)) Assert.True(File.Exists(Path.Combine(cacheDir, entry.Sha256)), entry.Name);
        Assert.False(File.Exists(Path.Combine(cacheDir, manifest.Entries[2].Sha256)));
        foreach (var entry in manifest.Entries.Take(2))
            Assert.True(cluster.Store.Exists(ItemKeys.RestoredPng("blob-a", $"inpainting_random/{Path.GetFileNameWithoutExtension(entry.Name)}-run0")));
    }

    [Fact]
    public async Task Paths_outside_the_data_roots_are_refused_at_submission_naming_the_field()
    {
        var root = TestPaths.NewTempDir("spgd-roots");
        Directory.CreateDirectory(Path.Combine(root, "data"));
        File.Copy(Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).First(), Path.Combine(root, "data", "a.png"));
        var outside = TestPaths.NewTempDir("spgd-outside");
        File.Copy(Path.Combine(root, "data", "a.png"), Path.Combine(outside, "a.png"));
        var link = Path.Combine(root, "link");
        Directory.CreateSymbolicLink(link, outside);

        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(1, TimeSpan.Zero)],
            configure: silo => silo.Services.AddSingleton(DataRoots.From(root, [])));
        var demo = TestJobs.Demo(images: 1, taskCount: 1);
        DatasetRef Folder(string path) => new() { Kind = DatasetKind.Folder, Path = path, Size = 32, Label = "x" };

        var cases = new (string Id, JobDefinition Job, string Field)[]
        {
            ("roots-etc", demo with { Dataset = Folder("/etc") }, "dataset.folder: '/etc' is outside"),
            ("roots-dotdot", demo with { Dataset = Folder(Path.Combine(root, "data", "..", "..")) }, "dataset.folder"),
            ("roots-link", demo with { Dataset = Folder(link) }, "dataset.folder"),
            ("roots-ckpt", demo with { Model = new ModelRef { Kind = "ffhq256", Checkpoint = "/etc/passwd" } }, "model.checkpoint: '/etc/passwd' is outside"),
        };
        foreach (var (id, job, field) in cases)
        {
            var status = await cluster.Client.GetGrain<IJobGrain>(id).SubmitAsync(job);
            Assert.Equal(JobState.Failed, status.State);
            Assert.Contains(field, status.Error);
            Assert.DoesNotContain('\n', status.Error!);
            Assert.Empty(cluster.Store.List(ItemKeys.JobPrefix(id) + "items/"));
        }

        var inside = await cluster.Client.GetGrain<IJobGrain>("roots-ok").SubmitAsync(demo with { Dataset = Folder(Path.Combine(root, "data")) });
        Assert.True(inside.State == JobState.Running, inside.Error);
    }

    private sealed class BeforeRun(IWorkItemRunner inner, Action<WorkItem> before) : IWorkItemRunner
    {
        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
        {
            before(item);
            return inner.Run(item, device, cancellationToken);
        }
    }
}
