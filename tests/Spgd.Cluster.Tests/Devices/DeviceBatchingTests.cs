using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Core.Imaging;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using Spgd.Core.Denoising;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;
using Spgd.Storage;
using Spgd.Tests;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>
/// Batching on a device: queued items with the same key run as one batch of at most MaxBatchSize, other keys never
/// join, every item keeps its own outcome, and a bad item fails alone. To make batches form deterministically, the
/// first run on the device waits until the other items are queued behind it, or a linger waits for the whole batch.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeviceBatchingTests
{
    [Fact]
    public async Task Same_key_items_run_together_up_to_the_maximum_and_other_keys_never_join()
    {
        await using var cluster = await SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "sim", Slots = 1, MaxBatchSize = 3 }, null],
            (_, sp) => new QueueGate(new TaskKeyedSimulatedRunner(TimeSpan.FromMilliseconds(50)), sp, held: 6));
        var definition = TestJobs.Demo(images: 7, taskCount: 2);
        await cluster.Client.GetGrain<IJobGrain>("batch-a").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("batch-a", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(14, status.Succeeded);
        var runs = cluster.Log.Runs.Select(r => r.ItemIds).ToList();
        Assert.All(runs, ids => Assert.InRange(ids.Length, 1, 3));
        // A batch is one task: items of the other task never join it.
        Assert.All(runs, ids => Assert.Single(ids.Select(id => id.Split('/')[0]).Distinct()));
        Assert.Contains(runs, ids => ids.Length == 3);
        // Every item ran exactly once.
        Assert.Equal(TestJobs.ItemIds(definition, TestJobs.DemoImageIds(7)).Order(), runs.SelectMany(ids => ids).Order());
    }

    [Fact]
    public async Task Batched_restorations_equal_cores_own_and_a_bad_file_fails_alone()
    {
        var dir = TestPaths.NewTempDir("spgd-batch-dataset");
        var good = Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order().Take(4).ToList();
        foreach (var f in good) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        // Sorts between the good files, so it is queued inside a batch.
        File.WriteAllBytes(Path.Combine(dir, Path.GetFileNameWithoutExtension(good[1]) + "-corrupt.png"), File.ReadAllBytes(good[0])[..200]);

        var models = new DenoiserCache();
        var metrics = MetricSetMetrics.Create(null, null);
        await using var cluster = await SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "cpu", Slots = 1, MaxBatchSize = 4 }, null],
            (_, sp) => new QueueGate(new CoreWorkItemRunner(models, metrics), sp, held: 5));
        var definition = TestJobs.Demo(images: 1, taskCount: 1, steps: 3, warmup: 2) with
        {
            Dataset = new DatasetRef { Kind = DatasetKind.Folder, Path = dir, Size = 32, Label = "batch" },
        };
        await cluster.Client.GetGrain<IJobGrain>("batch-b").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("batch-b", TimeSpan.FromMinutes(3));

        Assert.Equal(4, status.Succeeded);
        Assert.Equal(1, status.Failed);
        Assert.Contains(cluster.Log.Runs, r => r.ItemIds.Length > 1);
        var task = definition.Tasks[0].Name;
        foreach (var file in Directory.GetFiles(dir).Order())
        {
            var imageId = Path.GetFileNameWithoutExtension(file);
            var itemId = ItemKeys.ItemId(task, imageId, 0);
            var record = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("batch-b", itemId)), ItemJson.Options)!;
            if (imageId.EndsWith("-corrupt", StringComparison.Ordinal))
            {
                Assert.Equal(OutcomeKind.FailedDeterministic, record.Kind);
                Assert.Equal(1, cluster.Log.AttemptsOf(itemId));
                continue;
            }

            // The spectral prior's batched run is bit-identical to the item's own (see BatchRestorationTests).
            Assert.Equal(OutcomeKind.Succeeded, record.Kind);
            using var scope = NewDisposeScope();
            var seed = ItemSeed.Derive(definition.Seed, imageId, task, 0);
            using var direct = new Restorer(SpectralGaussianPrior.Default, CPU).Restore(
                new RestorationRequest(ImageIO.Load(file, 32), new OperatorSettings(task), new SpgdOptions { Steps = 3, Warmup = 2 }, seed));
            var expected = ImageIO.EncodePng(direct.Restored.clamp(-1, 1));
            Assert.True(expected.AsSpan().SequenceEqual(cluster.Store.Bytes(ItemKeys.RestoredPng("batch-b", itemId))), $"{itemId}: differs from Core's own run");
            Assert.Equal(seed, record.Seed);
        }
    }

    [Fact]
    public async Task A_failing_item_of_a_batch_fails_alone()
    {
        // A linger longer than the dispatch makes the first take wait until all five items form one batch.
        await using var cluster = await SpgdTestCluster.StartAsync(
            [new DeviceOptions { Device = "sim", Slots = 1, MaxBatchSize = 5, BatchLinger = TimeSpan.FromSeconds(20) }, null],
            (_, _) => new TaskKeyedSimulatedRunner(TimeSpan.FromMilliseconds(20), ["demo-002"]));
        await cluster.Client.GetGrain<IJobGrain>("batch-c").SubmitAsync(TestJobs.Demo(images: 5, taskCount: 1));
        var status = await cluster.WaitForEndAsync("batch-c", TimeSpan.FromMinutes(2));

        Assert.Equal(4, status.Succeeded);
        Assert.Equal(1, status.Failed);
        var failed = ItemKeys.ItemId(TestJobs.Tasks[0], "demo-002", 0);
        var run = Assert.Single(cluster.Log.Runs);
        Assert.Equal(5, run.ItemIds.Length);
        Assert.Equal(1, cluster.Log.AttemptsOf(failed));
        var record = JsonSerializer.Deserialize<ItemOutcome>(cluster.Store.Text(ItemKeys.ItemJson("batch-c", failed)), ItemJson.Options)!;
        Assert.Equal(OutcomeKind.FailedDeterministic, record.Kind);
        Assert.Contains("demo-002 is bad", record.Error);
    }
}

/// <summary>A simulated device that batches by task: one service time per batch; the <c>failImages</c> fail deterministically.</summary>
internal sealed class TaskKeyedSimulatedRunner(TimeSpan serviceTime, IReadOnlyCollection<string>? failImages = null) : IBatchWorkItemRunner
{
    private readonly SimulatedWorkItemRunner _single = new(TimeSpan.Zero);

    public object? BatchKey(WorkItem item) => item.Task;

    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken) =>
        RunBatch([item], device, cancellationToken)[0] is { Result: { } r } ? r : throw new DeterministicItemException($"{item.ImageId} is bad");

    public IReadOnlyList<ItemRunOutcome> RunBatch(IReadOnlyList<WorkItem> items, string device, CancellationToken cancellationToken)
    {
        if (cancellationToken.WaitHandle.WaitOne(serviceTime)) cancellationToken.ThrowIfCancellationRequested();
        return items.Select(i => failImages?.Contains(i.ImageId) == true
            ? ItemRunOutcome.Failed(new DeterministicItemException($"{i.ImageId} is bad"))
            : ItemRunOutcome.Succeeded(_single.Run(i, device, cancellationToken))).ToArray();
    }
}

/// <summary>Holds the device's first run until the executor holds <c>held</c> items (running or queued; at most 30 s),
/// so the next take finds every other item queued.</summary>
internal sealed class QueueGate(IBatchWorkItemRunner inner, IServiceProvider services, int held) : IBatchWorkItemRunner
{
    private int _opened;

    private void WaitOnce()
    {
        if (Interlocked.Exchange(ref _opened, 1) == 1) return;
        var executor = services.GetRequiredService<DeviceExecutor>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (executor.Queued + executor.Running < held && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }

    public object? BatchKey(WorkItem item) => inner.BatchKey(item);

    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
    {
        WaitOnce();
        return inner.Run(item, device, cancellationToken);
    }

    public IReadOnlyList<ItemRunOutcome> RunBatch(IReadOnlyList<WorkItem> items, string device, CancellationToken cancellationToken)
    {
        WaitOnce();
        return inner.RunBatch(items, device, cancellationToken);
    }
}
