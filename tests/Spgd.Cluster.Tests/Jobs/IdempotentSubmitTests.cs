using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>A submission under an existing id attaches when the spec is the same (a retried submit pod) and is refused otherwise.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdempotentSubmitTests
{
    [Fact]
    public async Task The_same_spec_under_the_same_id_attaches_and_another_spec_is_refused()
    {
        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(1, TimeSpan.FromMilliseconds(100)), null]);
        var job = cluster.Client.GetGrain<IJobGrain>("job-once");
        var definition = TestJobs.Demo(images: 4, taskCount: 1);
        var first = await job.SubmitAsync(definition);
        Assert.Equal(JobState.Running, first.State);

        // A fresh but equal definition (as a re-run submit pod builds it from the same spec) attaches to the running job.
        var again = await job.SubmitAsync(TestJobs.Demo(images: 4, taskCount: 1));
        Assert.Equal(first.SubmittedAt, again.SubmittedAt);
        Assert.Equal(first.Total, again.Total);

        var other = await Assert.ThrowsAsync<ArgumentException>(() => job.SubmitAsync(TestJobs.Demo(images: 4, taskCount: 1, runs: 2)));
        Assert.Contains("already exists and its", other.Message); // issue 18's binding names the difference

        var end = await cluster.WaitForEndAsync("job-once", TimeSpan.FromMinutes(1));
        Assert.Equal(JobState.Completed, end.State);
        Assert.Equal(4, end.Total); // nothing was added by the second submission
        Assert.Equal(4, cluster.Log.Executions.Select(e => e.ItemId).Distinct().Count());
    }
}
