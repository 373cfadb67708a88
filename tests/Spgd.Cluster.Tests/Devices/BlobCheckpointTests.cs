using System.Text;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>
/// <c>checkpoint_blob</c>: the job hashes the blob into its manifest at submission; each silo fetches it once into its
/// local cache and uses it only if the bytes match that digest.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BlobCheckpointTests
{
    private static JobDefinition WithBlobCheckpoint(string blob) =>
        TestJobs.Demo(images: 3, taskCount: 1) with { Model = new ModelRef { Kind = "ffhq256", Checkpoint = ModelRef.BlobPrefix + blob } };

    [Fact]
    public void A_spec_checkpoint_blob_becomes_a_blob_checkpoint_of_the_job()
    {
        var spec = new JobSpec
        {
            Dataset = new DatasetSpec { Builtin = DatasetSpec.SpectralDemo, Count = 2, ImageSize = 256 },
            Model = new ModelSpec { Kind = ModelSpec.UNet, Preset = "ffhq256", CheckpointBlob = "models/ffhq_10m.pt" },
            Tasks = [new TaskSpec { Name = "inpainting_random" }],
        };
        var model = JobSpecMapper.ToDefinition(spec).Model;
        Assert.Equal("blob:models/ffhq_10m.pt", model.Checkpoint);
        Assert.Equal("models/ffhq_10m.pt", model.CheckpointBlob);
    }

    [Fact]
    public async Task A_blob_checkpoint_is_fetched_once_per_silo_checked_against_the_manifest_and_refused_when_it_changed()
    {
        var original = Encoding.UTF8.GetBytes("weights v1 " + new string('x', 1000));
        BlobCheckpointCache? cache = null;
        await using var cluster = await SpgdTestCluster.StartAsync([new DeviceOptions { Device = "cpu", Slots = 1 }, null],
            runner: (_, sp) => new CheckpointReadingRunner(cache = new BlobCheckpointCache(
                (Spgd.Storage.IBlobStore)sp.GetService(typeof(Spgd.Storage.IBlobStore))!, TestPaths.NewTempDir("spgd-ckpt"))));
        await cluster.Store.Blobs.PutAsync("models/tiny.pt", original);

        await cluster.Client.GetGrain<IJobGrain>("job-v1").SubmitAsync(WithBlobCheckpoint("models/tiny.pt"));
        var end = await cluster.WaitForEndAsync("job-v1", TimeSpan.FromMinutes(1));
        Assert.Equal(JobState.Completed, end.State);
        var manifest = ManifestJson.Parse((await cluster.Store.Blobs.GetAsync(ItemKeys.Manifest("job-v1")))!.Content);
        Assert.Equal(ModelDigest.OfBytes(original), manifest.Model);
        Assert.Equal(1, cache!.Fetches); // three items, one fetch
        var cached = Assert.Single(Directory.GetFiles(cache.Folder, "*", SearchOption.AllDirectories));
        Assert.Equal(original, File.ReadAllBytes(cached));

        // The blob is replaced: a silo that has not cached job-v1's checkpoint refuses the new bytes for it ...
        var replaced = Encoding.UTF8.GetBytes("weights v2");
        await cluster.Store.Blobs.PutAsync("models/tiny.pt", replaced);
        var fresh = new BlobCheckpointCache(cluster.Store.Blobs, TestPaths.NewTempDir("spgd-ckpt-fresh"));
        var item = new WorkItem("job-v1", 0, "i", "inpainting_random", "demo-000", 0, "0", 0, 1, WithBlobCheckpoint("models/tiny.pt"));
        var refused = Assert.Throws<DeterministicItemException>(() => fresh.Resolve(item));
        Assert.Contains("the blob changed after submission", refused.Message);

        // ... while a job submitted now records and runs the new bytes.
        await cluster.Client.GetGrain<IJobGrain>("job-v2").SubmitAsync(WithBlobCheckpoint("models/tiny.pt"));
        Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync("job-v2", TimeSpan.FromMinutes(1))).State);
        Assert.Equal(2, cache.Fetches);

        // A checkpoint blob that does not exist fails every item once, with the reason, and is not retried.
        await cluster.Client.GetGrain<IJobGrain>("job-missing").SubmitAsync(WithBlobCheckpoint("models/missing.pt"));
        var missing = await cluster.WaitForEndAsync("job-missing", TimeSpan.FromMinutes(1));
        Assert.Equal(JobState.Failed, missing.State);
        Assert.Equal(0, missing.Retries);
        var record = System.Text.Json.JsonSerializer.Deserialize<ItemOutcome>(
            (await cluster.Store.Blobs.GetAsync(ItemKeys.ItemJson("job-missing", ItemKeys.ItemId("inpainting_random", "demo-000", 0))))!.Content, ItemJson.Options)!;
        Assert.Contains("recorded no digest", record.Error);
    }

    // Stands in for the UNet loader: reads the fetched checkpoint and reports its size as the item's "PSNR".
    private sealed class CheckpointReadingRunner(BlobCheckpointCache cache) : IWorkItemRunner
    {
        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
        {
            var path = cache.Resolve(item);
            return new RunResult(new ItemMetrics(new FileInfo(path).Length, 1, null), 1, 1);
        }
    }
}
