using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;

namespace Spgd.Grains.Telemetry;

/// <summary>
/// The "Spgd" activity source and meter: one span per item attempt inside its job's trace, counters of
/// completed, failed, retried and lost (lease expired, silo dead) items and of network evaluations (tagged job, task and device), histograms
/// of item latency and of batch size with explicit buckets, gauges of every device's queue depth and busy slots and of
/// every job's backlog. Exporters are configured by the host; without a listener spans are not created and gauges are never read.
/// docs/deployment.md lists what to graph.
/// </summary>
public static class SpgdTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string Name = "Spgd";

    /// <summary>Spans per item attempt (tags task, image, run, silo, device, nfe, outcome).</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Tag: job id.</summary>
    public const string JobTag = "spgd.job";

    /// <summary>Tag: task name.</summary>
    public const string TaskTag = "spgd.task";

    /// <summary>Tag: device (<c>cpu</c>, <c>cuda:N</c>).</summary>
    public const string DeviceTag = "spgd.device";

    /// <summary>Tag of failed items: <c>deadline</c>, <c>deterministic</c>, <c>transient</c>.</summary>
    public const string ReasonTag = "spgd.reason";

    /// <summary>Item latency buckets in seconds: a CPU demo item takes seconds, a 1000-step item on a slow device hours.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800];

    /// <summary>Batch size buckets: every size up to 8, then powers of two.</summary>
    public static readonly IReadOnlyList<int> BatchSizeBuckets = [1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64];

    /// <summary>Items that succeeded (tags job, task, device).</summary>
    public static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>("spgd.items.completed", "{item}");

    /// <summary>Attempts that failed, final or not (tags job, task, device, reason).</summary>
    public static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>("spgd.items.failed", "{item}");

    /// <summary>Items put back for another attempt (transient failure or expired lease; tag job).</summary>
    public static readonly Counter<long> ItemsRetried = Meter.CreateCounter<long>("spgd.items.retried", "{item}");

    /// <summary>Attempts lost without a report (tags job and reason: <c>lease_expired</c>, no report or heartbeat within the
    /// lease; <c>silo_lost</c>, the holding silo was declared dead).</summary>
    public static readonly Counter<long> ItemsLost = Meter.CreateCounter<long>("spgd.items.lost", "{item}",
        "Attempts lost because their lease expired or their silo was declared dead.");

    /// <summary>Counts <paramref name="count"/> attempts of <paramref name="jobId"/> lost for <paramref name="reason"/>.</summary>
    public static void CountLost(string jobId, int count, string reason)
    {
        if (count > 0) ItemsLost.Add(count, new KeyValuePair<string, object?>(JobTag, jobId), new KeyValuePair<string, object?>(ReasonTag, reason));
    }

    /// <summary>Network (denoiser) evaluations done (tags job, task, device); its rate is the evaluations per second.</summary>
    public static readonly Counter<long> NetworkEvaluations = Meter.CreateCounter<long>("spgd.network_evaluations", "{evaluation}");

    /// <summary>Run time of an attempt on its device (tags job, task, device).</summary>
    public static readonly Histogram<double> ItemLatency = Meter.CreateHistogram("spgd.item.latency", "s",
        "Run time of an item attempt on its device.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Items run together per slot run (1 without batching; see DeviceOptions.MaxBatchSize; tag device).</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram("spgd.device.batch_size", "{item}",
        "Items run together as one batch on a device slot.", tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });

    /// <summary>Job, task and device tags of an item's measurements.</summary>
    public static TagList ItemTags(string job, string task, string? device) =>
        new() { { JobTag, job }, { TaskTag, task }, { DeviceTag, device } };

    /// <summary><paramref name="tags"/> plus the failure reason.</summary>
    public static TagList WithReason(TagList tags, string reason)
    {
        tags.Add(ReasonTag, reason);
        return tags;
    }

    // Executors of this process (one per silo; several in an in-process test cluster), read by the gauges.
    private static readonly List<IDeviceGauges> Devices = [];

    // Items not yet dispatched, per job active in this process; set by each job on its own turn.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Backlogs = new();

    static SpgdTelemetry()
    {
        Meter.CreateObservableGauge("spgd.device.queue_depth", () => Observe(d => d.QueuedItems), "{item}",
            "Items accepted by a device and waiting for a slot.");
        Meter.CreateObservableGauge("spgd.device.busy_slots", () => Observe(d => d.BusySlots), "{slot}",
            "Slots of a device running an item now.");
        Meter.CreateObservableGauge("spgd.job.backlog", () => Backlogs.Select(kv => new Measurement<int>(kv.Value,
                new KeyValuePair<string, object?>(JobTag, kv.Key))), "{item}",
            "Items of a running job waiting to be dispatched (pending or awaiting a retry): what an autoscaler scales on.");
    }

    /// <summary>Sets the backlog of job <paramref name="jobId"/>; null removes it (the job ended or left this silo).</summary>
    public static void SetBacklog(string jobId, int? pendingItems)
    {
        if (pendingItems is { } n) Backlogs[jobId] = n;
        else Backlogs.TryRemove(jobId, out _);
    }

    /// <summary>Reports <paramref name="device"/> in the device gauges until the returned handle is disposed.</summary>
    public static IDisposable TrackDevice(IDeviceGauges device)
    {
        lock (Devices) Devices.Add(device);
        return new Untrack(device);
    }

    /// <summary>
    /// The trace of job <paramref name="jobId"/>: trace id and root span id derived from the job id, so every
    /// silo, and a job re-activated after a crash, puts its spans into the same trace without sharing state.
    /// </summary>
    public static ActivityContext JobContext(string jobId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(jobId));
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash.AsSpan(0, 16)),
            ActivitySpanId.CreateFromBytes(hash.AsSpan(16, 8)), ActivityTraceFlags.Recorded, isRemote: true);
    }

    private static IEnumerable<Measurement<int>> Observe(Func<IDeviceGauges, int> value)
    {
        IDeviceGauges[] devices;
        lock (Devices) devices = [.. Devices];
        foreach (var d in devices)
            yield return new Measurement<int>(value(d),
                new KeyValuePair<string, object?>("spgd.silo", d.SiloName), new KeyValuePair<string, object?>(DeviceTag, d.Device));
    }

    private sealed class Untrack(IDeviceGauges device) : IDisposable
    {
        public void Dispose()
        {
            lock (Devices) Devices.Remove(device);
        }
    }
}

/// <summary>What the device gauges read from a device executor.</summary>
public interface IDeviceGauges
{
    /// <summary>Silo name (gauge tag).</summary>
    string SiloName { get; }

    /// <summary>Device name (gauge tag).</summary>
    string Device { get; }

    /// <summary>Items waiting for a slot.</summary>
    int QueuedItems { get; }

    /// <summary>Slots running an item.</summary>
    int BusySlots { get; }
}
