using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests;

/// <summary>
/// Dispatch on report: with the dispatch tick an hour away, only the refills that finished items trigger can
/// drive a job through more items than its window, and they write the job's state once per several reports.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JobDispatchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NoTick = TimeSpan.FromHours(1);

    [Fact]
    public async Task Reports_dispatch_the_next_items_without_the_dispatch_tick()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([
            SpgdTestCluster.Simulated(1, TimeSpan.FromMilliseconds(20)),
            SpgdTestCluster.Simulated(1, TimeSpan.FromMilliseconds(20)),
            null,
        ], jobOptions: j => j.DispatchInterval = NoTick);
        await WaitForDevicesAsync(cluster, 2);
        var definition = TestJobs.Demo(images: 15, taskCount: 2); // 30 items, window 2 × 2 slots = 4

        await cluster.Client.GetGrain<IJobGrain>("job-refill").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("job-refill", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(30, status.Succeeded);
        Assert.Equal(0, status.Retries);
        var expected = TestJobs.ItemIds(definition, TestJobs.DemoImageIds(15)).ToList();
        Assert.All(expected, id => Assert.Equal(1, cluster.Log.ExecutionsOf(id)));
        Assert.Equal(2, cluster.Log.Executions.Select(e => e.Silo).Distinct().Count());
        // Refills name the silo whose report freed the place, and placement honours it.
        Assert.NotEmpty(cluster.Log.HintedCalls);
        Assert.All(cluster.Log.HintedCalls, c => Assert.Equal(c.Preferred, c.Silo));
    }

    [Fact]
    public async Task Refills_write_the_job_state_once_per_several_reports()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([
            SpgdTestCluster.Simulated(8, TimeSpan.Zero),
            SpgdTestCluster.Simulated(8, TimeSpan.Zero),
            null,
        ], jobOptions: j => j.DispatchInterval = NoTick);
        await WaitForDevicesAsync(cluster, 2);
        const int items = 400; // window 2 × 16 slots = 32: a refill waits for 4 free places
        await cluster.Client.GetGrain<IJobGrain>("job-writes").SubmitAsync(TestJobs.Demo(images: items / 2, taskCount: 2));

        // Status calls persist progress themselves, so the test watches for the job's final table instead.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!cluster.Store.Exists(ItemKeys.EvaluationJson("job-writes")) && DateTime.UtcNow < deadline) await Task.Delay(100);
        var writes = cluster.Store.GrainStateBlobs.PutsEndingWith("/job-writes/job-progress.state");
        var status = await cluster.Client.GetGrain<IJobGrain>("job-writes").GetStatusAsync();
        output.WriteLine($"{items} reports, {writes} progress state writes");

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(items, status.Succeeded);
        Assert.True(writes >= 2, $"{writes} progress writes: at least submission and one refill are expected");
        Assert.True(writes <= items / 2, $"{writes} progress writes for {items} reports: refills should batch them");
    }

    // Refills size the window from the registry: submit once both devices have published.
    private static async Task WaitForDevicesAsync(SpgdTestCluster cluster, int count)
    {
        var registry = cluster.Client.GetGrain<IDeviceRegistryGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await registry.GetLoadsAsync()).Count < count && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(count, (await registry.GetLoadsAsync()).Count);
    }
}
