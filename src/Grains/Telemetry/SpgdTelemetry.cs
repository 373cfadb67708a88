using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spgd.Grains.Telemetry;

/// <summary>
/// The "Spgd" activity source and meter: one span per item attempt, counters of completed, failed
/// and retried items and a histogram of item latency. Exporters are configured by the host.
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

    /// <summary>Run time of an attempt on its device.</summary>
    public static readonly Histogram<double> ItemLatency = Meter.CreateHistogram<double>("spgd.item.latency", "s");
}
