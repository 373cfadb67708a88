using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using Spgd.Grains.Restoration;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>How a run's deadline is chosen: fixed, derived from its evaluations and the measured rate, floor, unmeasured.</summary>
public sealed class ItemDeadlinesTests
{
    private static WorkItem Item(int steps, int warmup)
    {
        var job = TestJobs.Demo(images: 1, taskCount: 1, steps: steps, warmup: warmup);
        return new WorkItem("j", 0, "i", job.Tasks[0].Name, "demo-000", 0, "demo:0", 0, 1, job);
    }

    [Fact]
    public void Deadlines_follow_the_measured_rate_with_a_floor_and_a_fixed_setting_wins()
    {
        var options = new DeviceOptions { DeadlineFactor = 4, DeadlineFloor = TimeSpan.FromSeconds(30), UnmeasuredDeadline = TimeSpan.FromHours(6) };
        var deadlines = new ItemDeadlines(options, i => ItemNetworkEvaluations.Of(i));
        var big = Item(steps: 100, warmup: 5); // 500 evaluations
        Assert.Equal(500, ItemNetworkEvaluations.Of(big));
        Assert.Equal(TimeSpan.FromHours(6), deadlines.For([big])); // nothing measured yet

        deadlines.Observe(evaluations: 50, seconds: 10); // 0.2 s per evaluation
        Assert.Equal(TimeSpan.FromSeconds(4 * 500 * 0.2), deadlines.For([big]));
        Assert.Equal(TimeSpan.FromSeconds(30), deadlines.For([Item(steps: 4, warmup: 2)])); // 6.4 s derived: the floor holds
        Assert.Equal(TimeSpan.FromSeconds(4 * 500 * 0.2), deadlines.For([Item(steps: 4, warmup: 2), big])); // a batch: its longest item

        deadlines.Observe(evaluations: 50, seconds: 5); // a faster run only moves the rate by a fifth
        Assert.Equal(0.8 * 0.2 + 0.2 * 0.1, deadlines.SecondsPerEvaluation!.Value, 12);
        deadlines.Observe(evaluations: 10, seconds: 10); // a slower run counts in full
        Assert.Equal(1.0, deadlines.SecondsPerEvaluation!.Value, 12);

        options.ItemDeadline = TimeSpan.FromMinutes(7);
        Assert.Equal(TimeSpan.FromMinutes(7), deadlines.For([big]));
    }
}
