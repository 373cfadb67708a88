using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;

namespace Spgd.Cluster.Tests;

/// <summary>Cancelling a job stops the items its devices are running, not only the ones still queued.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CancelRunningItemsTests
{
    [Fact]
    public async Task Cancel_stops_running_items_and_records_the_unfinished_as_cancelled()
    {
        // Items that would hold their slots for ten minutes: only a cancelled token ends them within the test.
        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(2, TimeSpan.FromMinutes(10)), null]);
        var job = cluster.Client.GetGrain<IJobGrain>("job-cancel-running");
        await job.SubmitAsync(TestJobs.Demo(images: 6, taskCount: 1));
        await cluster.WaitForAsync("job-cancel-running", s => s.InFlight > 0, TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => cluster.Log.Runs.Count >= 2, "both slots running");

        await job.CancelAsync();
        await WaitUntilAsync(() => cluster.Log.Cancelled.Count == cluster.Log.Runs.Count, "every running item cancelled");

        Assert.Empty(cluster.Log.Executions); // none ran to its end
        var items = await job.GetItemsAsync();
        Assert.Equal(JobState.Cancelled, (await job.GetStatusAsync()).State);
        Assert.All(items, i => Assert.Equal(ItemState.Cancelled, i.State));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached: {what}");
            await Task.Delay(100);
        }
    }
}
