using OpenTelemetry;
using OpenTelemetry.Metrics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using Spgd.Grains.Telemetry;

namespace Spgd.Cluster.Tests.Telemetry;

/// <summary>
/// What an operator's dashboards read, through the OpenTelemetry SDK's in-memory exporter: item counters and latency tagged
/// with job, task and device; the histogram buckets documented in docs/deployment.md; the backlog gauge per job.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Item_metrics_carry_job_task_and_device_tags_explicit_buckets_and_a_backlog_per_job()
    {
        var exported = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(SpgdTelemetry.Name).AddInMemoryExporter(exported).Build()!;

        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(1, TimeSpan.FromMilliseconds(150)), null]);
        await cluster.Client.GetGrain<IJobGrain>("job-metrics").SubmitAsync(TestJobs.Demo(images: 6, taskCount: 2));
        // While the single slot works through 12 items, the job has a backlog.
        await cluster.WaitForAsync("job-metrics", s => s.Succeeded >= 2, TimeSpan.FromMinutes(1));
        meters.ForceFlush();
        var backlog = Points(exported, "spgd.job.backlog").Where(p => Tag(p, SpgdTelemetry.JobTag) == "job-metrics").ToList();
        Assert.NotEmpty(backlog);
        Assert.Contains(backlog, p => p.GetGaugeLastValueLong() > 0);

        Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync("job-metrics", TimeSpan.FromMinutes(1))).State);
        exported.Clear();
        meters.ForceFlush();

        var completed = Points(exported, "spgd.items.completed").Where(p => Tag(p, SpgdTelemetry.JobTag) == "job-metrics").ToList();
        Assert.Equal(new[] { "gaussian_blur", "inpainting_random" }, completed.Select(p => Tag(p, SpgdTelemetry.TaskTag)).Order());
        Assert.All(completed, p => Assert.Equal("sim", Tag(p, SpgdTelemetry.DeviceTag)));
        Assert.Equal(12, completed.Sum(p => p.GetSumLong()));

        var latency = Points(exported, "spgd.item.latency").Where(p => Tag(p, SpgdTelemetry.JobTag) == "job-metrics").ToList();
        Assert.Equal(2, latency.Count); // one series per task
        foreach (var point in latency)
        {
            Assert.Equal(SpgdTelemetry.LatencyBuckets, Bounds(point));
            Assert.Equal(6, point.GetHistogramCount());
            Assert.InRange(point.GetHistogramSum(), 6 * 0.15, 600); // each item held the slot for its 150-ms service time
        }
        // Documented boundaries, seconds to hours (docs/deployment.md#metrics).
        Assert.Equal(new double[] { 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800 }, SpgdTelemetry.LatencyBuckets);

        var batches = Points(exported, "spgd.device.batch_size").Where(p => Tag(p, SpgdTelemetry.DeviceTag) == "sim").ToList();
        var batch = Assert.Single(batches);
        Assert.Equal(SpgdTelemetry.BatchSizeBuckets.Select(b => (double)b), Bounds(batch));
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64 }, SpgdTelemetry.BatchSizeBuckets);

        // Ended jobs leave the backlog gauge.
        Assert.DoesNotContain(Points(exported, "spgd.job.backlog"), p => Tag(p, SpgdTelemetry.JobTag) == "job-metrics");
    }

    private static List<MetricPoint> Points(IEnumerable<Metric> metrics, string name)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name))
            foreach (ref readonly var p in metric.GetMetricPoints()) points.Add(p);
        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    private static double[] Bounds(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
            if (!double.IsPositiveInfinity(bucket.ExplicitBound)) bounds.Add(bucket.ExplicitBound);
        return [.. bounds];
    }
}
