namespace Spgd.Grains.Devices;

/// <summary>The compute device a silo declares at start (none: the silo hosts jobs and aggregators only).</summary>
public sealed class DeviceOptions
{
    /// <summary><c>cpu</c>, <c>cuda:N</c>, or null for a silo without a device.</summary>
    public string? Device { get; set; }

    /// <summary>Concurrent runs on the device.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>
    /// Items that wait on this device with the same model, task and operator parameters, image size and schedule run
    /// together as one batch of up to this many (one network evaluation serves them all). Default 1: no batching, so
    /// results are bit-reproducible; above 1 an item's result changes only by float32 round-off (convolution kernels
    /// block differently by batch size). Needs a runner that supports batches (the Core runner does).
    /// </summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>
    /// How long a slot that took an item waits for more items of its key before running an incomplete batch.
    /// Default zero: take what is queued now, never delay an item for a batch.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.Zero;

    /// <summary>Items accepted beyond the running ones before <c>StartAsync</c> says "full"; default 2 × <see cref="ItemSlots"/>.</summary>
    public int? QueueCapacity { get; set; }

    /// <summary>
    /// When set, the device is simulated: each item holds a slot for this long and computes nothing
    /// (orchestration tests and benchmarks).
    /// </summary>
    public TimeSpan? SimulatedServiceTime { get; set; }

    /// <summary>The simulated device ignores cancellation (a device stuck in a native call; interrupt tests).</summary>
    public bool SimulatedUninterruptible { get; set; }

    /// <summary>How often held items' leases are renewed with their jobs.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the device's load is published to the registry.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A fixed deadline for every run (item or batch); null derives it from the run's network evaluations (see <see cref="ItemDeadlines"/>).</summary>
    public TimeSpan? ItemDeadline { get; set; }

    /// <summary>Derived deadline: this many times the run's expected duration at the device's measured seconds per evaluation.</summary>
    public double DeadlineFactor { get; set; } = 4;

    /// <summary>A derived deadline is never shorter than this.</summary>
    public TimeSpan DeadlineFloor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Deadline before the device has measured a run (the first items of a silo, or a runner that counts no evaluations).</summary>
    public TimeSpan UnmeasuredDeadline { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a runner cancelled at its deadline may take to return before its slot gets a new thread.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Liveness fails when a run is still on its device this long after its deadline (a hung kernel: only a restart frees it).</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On a graceful stop, how long running items may finish before they are cancelled and handed back to their jobs.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a device that failed its start-up probe is probed again.</summary>
    public TimeSpan ProbeRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when the silo runs restoration work.</summary>
    public bool HasDevice => !string.IsNullOrEmpty(Device);

    /// <summary>Items the device runs at once: slots × <see cref="MaxBatchSize"/>. Published as the device's slots, so
    /// jobs keep enough items in flight to fill the batches.</summary>
    public int ItemSlots => Slots * Math.Max(1, MaxBatchSize);

    /// <summary>Effective queue capacity.</summary>
    public int EffectiveQueueCapacity => QueueCapacity ?? 2 * ItemSlots;

    /// <summary>Parses <c>cpu</c> or <c>cuda:N</c>; throws with the accepted forms otherwise.</summary>
    public static string ParseDevice(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == "cpu" || v == "sim") return v;
        if (v.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (v == "cuda") return "cuda:0";
            if (v.Length > 5 && v[4] == ':' && int.TryParse(v[5..], out var n) && n >= 0) return $"cuda:{n}";
        }
        throw new ArgumentException($"Device '{value}' is not valid: expected 'cpu' or 'cuda:N' (N >= 0).", nameof(value));
    }
}
