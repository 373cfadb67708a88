using System.Diagnostics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests;

/// <summary>A 20,000-item job on instant simulated devices: the job's persisted progress stays compact.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Twenty_thousand_items_complete_with_compact_job_state()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([
            SpgdTestCluster.Simulated(32, TimeSpan.Zero),
            SpgdTestCluster.Simulated(32, TimeSpan.Zero),
            null,
        ]);
        var definition = TestJobs.Demo(images: 10_000, taskCount: 2);
        var clock = Stopwatch.StartNew();
        await cluster.Client.GetGrain<IJobGrain>("job-20k").SubmitAsync(definition);
        var status = await cluster.WaitForEndAsync("job-20k", TimeSpan.FromMinutes(4));
        output.WriteLine($"20,000 items in {clock.Elapsed.TotalSeconds:0.0} s, {status.Retries} retries");

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(20_000, status.Succeeded);
        Assert.Equal(20_000, cluster.Log.Executions.Select(e => e.ItemId).Distinct().Count());
        var progress = cluster.Store.List("grain-state/").Single(n => n.EndsWith("/job-progress.state", StringComparison.Ordinal));
        var size = new FileInfo(cluster.Store.PathOf(progress)).Length;
        output.WriteLine($"persisted progress: {size} bytes");
        Assert.True(size < 100_000, $"progress state is {size} bytes");
        foreach (var task in definition.Tasks)
            Assert.Equal(10_000, (await cluster.Client.GetGrain<Spgd.Contracts.Results.IAggregatorGrain>($"job-20k/{task.Name}").GetSummaryAsync()).Count);
    }
}
