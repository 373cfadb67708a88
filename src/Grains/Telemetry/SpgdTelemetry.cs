using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;

namespace Spgd.Grains.Telemetry;

/// <summary>
/// The "Spgd" activity source and meter: one span per item attempt inside its job's trace, counters of
/// completed, failed and retried items and of network evaluations, histograms of item latency and of batch size, and gauges
/// of every device's queue depth and busy slots. Exporters are configured by the host; without a listener
/// spans are not created and gauges are never read.
/// </summary>
public static class SpgdTelemetry
{
    /// <summary>Name of the activity source and of the meter.</summary>
    public const string Name = "Spgd";

    /// <summary>Spans per item attempt (tags task, image, run, silo, device, nfe, outcome).</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Items that succeeded.</summary>
    public static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>("spgd.items.completed", "{item}");

    /// <summary>Attempts that failed (final or not).</summary>
    public static readonly Counter<long> ItemsFailed = Meter.CreateCounter<long>("spgd.items.failed", "{item}");

    /// <summary>Items put back for another attempt (transient failure or expired lease).</summary>
    public static readonly Counter<long> ItemsRetried = Meter.CreateCounter<long>("spgd.items.retried", "{item}");

    /// <summary>Network (denoiser) evaluations done; its rate is the cluster's evaluations per second.</summary>
    public static readonly Counter<long> NetworkEvaluations = Meter.CreateCounter<long>("spgd.network_evaluations", "{evaluation}");

    /// <summary>Run time of an attempt on its device.</summary>
    public static readonly Histogram<double> ItemLatency = Meter.CreateHistogram<double>("spgd.item.latency", "s");

    /// <summary>Items run together per slot run (1 without batching; see DeviceOptions.MaxBatchSize).</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("spgd.device.batch_size", "{item}",
        "Items run together as one batch on a device slot.");

    // Executors of this process (one per silo; several in an in-process test cluster), read by the gauges.
    private static readonly List<IDeviceGauges> Devices = [];

    static SpgdTelemetry()
    {
        Meter.CreateObservableGauge("spgd.device.queue_depth", () => Observe(d => d.QueuedItems), "{item}",
            "Items accepted by a device and waiting for a slot.");
        Meter.CreateObservableGauge("spgd.device.busy_slots", () => Observe(d => d.BusySlots), "{slot}",
            "Slots of a device running an item now.");
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
                new KeyValuePair<string, object?>("spgd.silo", d.SiloName), new KeyValuePair<string, object?>("spgd.device", d.Device));
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
