using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using Spgd.Grains.Telemetry;

namespace Spgd.Cluster.Tests.Telemetry;

/// <summary>
/// What an OpenTelemetry exporter receives from a job: the job is one trace (dispatch and item spans share its
/// trace id), item spans carry the item's tags, and the device gauges and counters report.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JobTraceTests
{
    private const int Nfe = 7;

    [Fact]
    public async Task A_job_is_one_trace_with_tagged_item_spans_and_the_device_gauges_report()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(SpgdTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application").AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(SpgdTelemetry.Name).AddInMemoryExporter(metrics).Build();

        await using var cluster = await SpgdTestCluster.StartAsync(
            [SpgdTestCluster.Simulated(2, TimeSpan.FromMilliseconds(300)), null],
            (device, _) => new FixedNfeRunner(new SimulatedWorkItemRunner(device.SimulatedServiceTime!.Value)),
            silo => silo.AddActivityPropagation());
        await cluster.Client.GetGrain<IJobGrain>("job-trace").SubmitAsync(TestJobs.Demo(images: 6, taskCount: 2));
        // Read the gauges while the device is busy (12 items of 0.3 s on 2 slots take about 2 s).
        await cluster.WaitForAsync("job-trace", s => s.Succeeded >= 2, TimeSpan.FromMinutes(1));
        Assert.True(meter.ForceFlush());
        var busyWhileRunning = GaugePoints(metrics, "spgd.device.busy_slots");
        Assert.Equal(JobState.Completed, (await cluster.WaitForEndAsync("job-trace", TimeSpan.FromMinutes(1))).State);
        Assert.True(tracer.ForceFlush());
        Assert.True(meter.ForceFlush());

        var trace = SpgdTelemetry.JobContext("job-trace").TraceId;
        var items = spans.Where(s => s.OperationName == "spgd.item" && (string?)s.GetTagItem("spgd.job") == "job-trace").ToList();
        Assert.Equal(12, items.Count);
        Assert.All(items, s =>
        {
            Assert.Equal(trace, s.TraceId);
            Assert.Equal("Silo_0", s.GetTagItem("spgd.silo"));
            Assert.Equal("sim", s.GetTagItem("spgd.device"));
            Assert.Equal(Nfe, s.GetTagItem("spgd.nfe"));
            Assert.Equal("Succeeded", s.GetTagItem("spgd.outcome"));
            Assert.Equal(1, s.GetTagItem("spgd.attempt"));
            Assert.NotNull(s.GetTagItem("spgd.task"));
            Assert.StartsWith("demo-", (string)s.GetTagItem("spgd.image")!);
        });
        Assert.Equal(12, items.Select(s => (s.GetTagItem("spgd.task"), s.GetTagItem("spgd.image"))).Distinct().Count());

        // Each item span descends, through Orleans' grain-call spans, from the job's span that dispatched it.
        var dispatches = spans.Where(s => s.OperationName == "spgd.dispatch" && (string?)s.GetTagItem("spgd.job") == "job-trace").ToList();
        Assert.Equal(12, dispatches.Count);
        Assert.All(dispatches, s => Assert.Equal(trace, s.TraceId));
        var parents = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First().ParentSpanId);
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        Assert.All(items, s =>
        {
            var ancestor = s.ParentSpanId;
            for (var hops = 0; hops < 5 && byId.TryGetValue(ancestor, out var a) && a.OperationName != "spgd.dispatch"; hops++) ancestor = parents[ancestor];
            Assert.True(byId.TryGetValue(ancestor, out var dispatch) && dispatch.OperationName == "spgd.dispatch",
                $"item span {s.GetTagItem("spgd.task")}/{s.GetTagItem("spgd.image")} does not descend from a dispatch span");
            Assert.Equal(s.GetTagItem("spgd.attempt"), dispatch!.GetTagItem("spgd.attempt"));
        });
        Assert.NotEqual(trace, SpgdTelemetry.JobContext("another-job").TraceId);

        // Gauges: one point per device executor, tagged with silo and device; the device was busy at the first read.
        Assert.Contains(busyWhileRunning, p => p.Silo == "Silo_0" && p.Device == "sim" && p.Value > 0);
        Assert.All(busyWhileRunning, p => Assert.InRange(p.Value, 0, 2));
        Assert.Contains(GaugePoints(metrics, "spgd.device.queue_depth"), p => p.Silo == "Silo_0" && p.Device == "sim");
        Assert.True(CounterSum(metrics, "spgd.network_evaluations") >= 12 * Nfe);
        Assert.True(CounterSum(metrics, "spgd.items.completed") >= 12);
        Assert.Contains(metrics, m => m.Name == "spgd.item.latency" && m.MetricType == MetricType.Histogram);
    }

    private static List<(string? Silo, string? Device, long Value)> GaugePoints(IEnumerable<Metric> metrics, string name)
    {
        var points = new List<(string?, string?, long)>();
        foreach (var m in metrics.Where(m => m.Name == name).ToList())
            foreach (ref readonly var p in m.GetMetricPoints())
            {
                string? silo = null, device = null;
                foreach (var tag in p.Tags)
                {
                    if (tag.Key == "spgd.silo") silo = tag.Value as string;
                    if (tag.Key == "spgd.device") device = tag.Value as string;
                }
                points.Add((silo, device, p.GetGaugeLastValueLong()));
            }
        return points;
    }

    private static long CounterSum(IEnumerable<Metric> metrics, string name)
    {
        // Cumulative temporality: the last export holds the totals.
        var last = metrics.LastOrDefault(m => m.Name == name);
        if (last is null) return 0;
        long sum = 0;
        foreach (ref readonly var p in last.GetMetricPoints()) sum += p.GetSumLong();
        return sum;
    }

    private sealed class FixedNfeRunner(IWorkItemRunner inner) : IWorkItemRunner
    {
        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken) =>
            inner.Run(item, device, cancellationToken) with { NetworkEvaluations = Nfe };
    }
}
