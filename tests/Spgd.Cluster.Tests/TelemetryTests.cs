using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Telemetry;

namespace Spgd.Cluster.Tests;

/// <summary>Each item attempt is a span of the "Spgd" source and moves the "Spgd" meter's counters.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Item_attempts_emit_tagged_spans_and_counters()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SpgdTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.OperationName == "spgd.item" && a.GetTagItem("spgd.job") as string == "job-otel") spans.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var completed = 0L;
        var latencies = 0L;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (i, l) => { if (i.Meter.Name == SpgdTelemetry.Name) l.EnableMeasurementEvents(i); };
        meters.SetMeasurementEventCallback<long>((i, v, _, _) => { if (i.Name == "spgd.items.completed") Interlocked.Add(ref completed, v); });
        meters.SetMeasurementEventCallback<double>((i, _, _, _) => { if (i.Name == "spgd.item.latency") Interlocked.Increment(ref latencies); });
        meters.Start();

        await using var cluster = await SpgdTestCluster.StartAsync([SpgdTestCluster.Simulated(2, TimeSpan.FromMilliseconds(50)), null]);
        await cluster.Client.GetGrain<IJobGrain>("job-otel").SubmitAsync(TestJobs.Demo(images: 3, taskCount: 2));
        Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync("job-otel", TimeSpan.FromMinutes(1))).State);

        Assert.Equal(6, spans.Count);
        Assert.All(spans, s =>
        {
            Assert.Equal("spgd.item", s.OperationName);
            Assert.Equal("Silo_0", s.GetTagItem("spgd.silo"));
            Assert.Equal("sim", s.GetTagItem("spgd.device"));
            Assert.Equal("Succeeded", s.GetTagItem("spgd.outcome"));
            Assert.Equal(0, s.GetTagItem("spgd.run"));
            Assert.NotNull(s.GetTagItem("spgd.nfe"));
        });
        Assert.Equal(new[] { "gaussian_blur", "inpainting_random" }, spans.Select(s => (string)s.GetTagItem("spgd.task")!).Distinct().Order());
        Assert.True(Interlocked.Read(ref completed) >= 6);
        Assert.True(Interlocked.Read(ref latencies) >= 6);
    }
}
