using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// One run on a device slot (an item, or a batch of them) with its deadline. Exactly one party settles it: the slot's
/// thread when the runner returns, the watchdog when the runner ignores its deadline, or the drain when the silo stops.
/// </summary>
internal sealed class DeviceRun(IReadOnlyList<WorkItem> items, DateTime startedAt, TimeSpan deadline, CancellationToken stopping)
{
    private int _settled;

    public IReadOnlyList<WorkItem> Items { get; } = items;
    public DateTime StartedAt { get; } = startedAt;
    public TimeSpan Deadline { get; } = deadline;
    public DateTime DeadlineAt { get; } = deadline >= DateTime.MaxValue - startedAt ? DateTime.MaxValue : startedAt + deadline;

    /// <summary>Cancelled at the deadline, on drain, when its jobs want none of its items, or when the silo stops.</summary>
    public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(stopping);

    /// <summary>Why the run was cancelled, when it was: "deadline", "drain" or "unwanted".</summary>
    public string? CancelledFor { get; private set; }

    /// <summary>The runner came back (even after the run was settled by someone else).</summary>
    public bool Returned { get; set; }

    /// <summary>The watchdog gave up on the runner and started another thread for the slot.</summary>
    public bool Abandoned { get; set; }

    /// <summary>True for the first caller only: that caller reports the items.</summary>
    public bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;

    public bool IsSettled => Volatile.Read(ref _settled) == 1;

    private int _slotFreed;

    /// <summary>True for the first caller only: that caller gives the slot's counts back (the thread, or the watchdog).</summary>
    public bool TryFreeSlot() => Interlocked.Exchange(ref _slotFreed, 1) == 0;

    /// <summary>Cancels the run (reason <c>unwanted</c>) once its jobs want none of its items.</summary>
    public void CancelIfNoneWanted(System.Collections.Concurrent.ConcurrentDictionary<(string Job, int Index, int Attempt), bool> unwanted)
    {
        if (Items.All(i => unwanted.ContainsKey((i.JobId, i.Index, i.Attempt)))) Cancel("unwanted");
    }

    public void Cancel(string reason)
    {
        if (CancelledFor is null) CancelledFor = reason;
        try { Cancellation.Cancel(); } catch (ObjectDisposedException) { }
    }
}
