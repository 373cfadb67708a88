namespace Spgd.Grains.Jobs;

/// <summary>How jobs dispatch, lease and retry items.</summary>
public sealed class JobOptions
{
    /// <summary>Items in flight per compute slot of the cluster (the dispatch window is this × total slots).</summary>
    public int WindowPerSlot { get; set; } = 2;

    /// <summary>An item whose worker is silent this long is presumed lost and dispatched again.</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A finished item's place in the window is refilled at once when at least this fraction of the window
    /// (and at least one place) is free; one state write then covers the whole refill. Each slot keeps
    /// <see cref="WindowPerSlot"/> − 1 items queued on its silo, so a fraction well below that share of the
    /// window refills before a device runs dry.
    /// </summary>
    public double RefillFraction { get; set; } = 0.125;

    /// <summary>Period of the dispatch/lease check: the safety net for retries, lost silos and expired leases.</summary>
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Attempts per item (its own transient failures and lost workers) before it fails for good. Storage and transport
    /// failures do not count: they back off (<see cref="InfrastructureDelay"/>) for as long as they last.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the second attempt; doubles for each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the retry delay.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Period of the reminder that re-activates a running job whose silo died.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Back-off before attempt <paramref name="nextAttempt"/> (2 or more).</summary>
    public TimeSpan RetryDelay(int nextAttempt)
    {
        var factor = Math.Pow(2, Math.Max(0, nextAttempt - 2));
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryBaseDelay.Ticks * factor, RetryMaxDelay.Ticks));
        return delay;
    }

    /// <summary>Back-off after an item's <paramref name="failures"/>-th consecutive storage or transport failure: the retry delays, capped at their maximum.</summary>
    public TimeSpan InfrastructureDelay(int failures) => RetryDelay(failures + 1);
}
