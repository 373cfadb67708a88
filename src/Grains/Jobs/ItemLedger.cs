using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Jobs;

/// <summary>
/// The job's items as a plain state machine: status, attempts, leases, retry times and the dispatch cursor, with every
/// transition written once. It knows no Orleans, no storage and no clock (callers pass <c>now</c>), so the same code
/// runs in <see cref="JobGrain"/> and under the seeded fault simulation in the tests.
/// <para>
/// Status and attempts live in the arrays given to the constructor (the grain's persisted state), so persisting those
/// arrays persists the ledger; leases and retry times are not persisted: <see cref="Restore"/> grants every dispatched
/// item a fresh lease.
/// </para>
/// Attempts count only what an item can be blamed for: its own failures and silences (a lease that ran out, a silo
/// lost while running it: an item that kills its worker must end). A storage or transport failure, an item never
/// started (not placed, handed back, its dispatch not persisted) refunds the attempt and backs off instead.
/// </summary>
public sealed class ItemLedger
{
    private readonly byte[] _status;
    private readonly byte[] _attempts;
    private readonly LedgerPolicy _policy;
    private readonly Dictionary<int, Lease> _leases = new();
    private readonly Dictionary<int, DateTime> _retryAt = new();
    // Consecutive infrastructure failures per item: their back-off grows without spending attempts.
    private readonly Dictionary<int, int> _infrastructureFailures = new();
    private int _cursor;

    /// <summary>A worker's claim on one attempt of an item; <paramref name="Holder"/> is the silo running it, when known.</summary>
    public readonly record struct Lease(int Attempt, DateTime Expires, string? Holder);

    /// <summary>A ledger over <paramref name="status"/> and <paramref name="attempts"/> (one byte per item each; modified in place).</summary>
    public ItemLedger(byte[] status, byte[] attempts, LedgerPolicy policy, int retries = 0)
    {
        if (status.Length != attempts.Length) throw new ArgumentException("Status and attempts must have one entry per item.");
        // Attempts are persisted as one byte per item.
        if (policy.MaxAttempts is < 1 or > byte.MaxValue) throw new ArgumentOutOfRangeException(nameof(policy), $"MaxAttempts {policy.MaxAttempts} is out of range: expected 1..255.");
        _status = status;
        _attempts = attempts;
        _policy = policy;
        Retries = retries;
    }

    /// <summary>
    /// The ledger of a job resumed from its persisted arrays: items that were dispatched keep their attempt and get a
    /// fresh lease (their workers may still be running them; the heartbeats will say), everything else is as persisted.
    /// </summary>
    public static ItemLedger Restore(byte[] status, byte[] attempts, LedgerPolicy policy, int retries, DateTime now)
    {
        var ledger = new ItemLedger(status, attempts, policy, retries);
        for (var i = 0; i < status.Length; i++)
            if (status[i] == (byte)ItemState.Dispatched) ledger._leases[i] = new Lease(attempts[i], now + policy.LeaseTimeout, null);
        return ledger;
    }

    /// <summary>
    /// A cancelled job resubmitted with the same spec and data: its cancelled items, and those in flight when it was
    /// cancelled, are pending again (their attempts kept); finished items stay finished.
    /// </summary>
    public static ItemLedger Reopen(byte[] status, byte[] attempts, LedgerPolicy policy, int retries, DateTime now)
    {
        for (var i = 0; i < status.Length; i++)
            if (status[i] is (byte)ItemState.Cancelled or (byte)ItemState.Dispatched) status[i] = (byte)ItemState.Pending;
        return Restore(status, attempts, policy, retries, now);
    }

    /// <summary>
    /// Every lease starts afresh: the job could not listen (a write of its own hung on storage, its heartbeats queued
    /// behind it), so the workers' silence is its own and must not cost their items an attempt.
    /// </summary>
    public void RenewLeases(DateTime now)
    {
        foreach (var (i, lease) in _leases.ToList()) _leases[i] = lease with { Expires = now + _policy.LeaseTimeout };
    }

    /// <summary>Number of items.</summary>
    public int Count => _status.Length;

    /// <summary>Items in flight (holding a lease).</summary>
    public int InFlight => _leases.Count;

    /// <summary>Attempts put back for a retry (persisted with the job).</summary>
    public int Retries { get; private set; }

    /// <summary>Status of item <paramref name="index"/>.</summary>
    public ItemState StatusOf(int index) => (ItemState)_status[index];

    /// <summary>Attempts dispatched and not refunded of item <paramref name="index"/>.</summary>
    public int AttemptsOf(int index) => _attempts[index];

    /// <summary>The silo holding item <paramref name="index"/>, when in flight and known.</summary>
    public string? HolderOf(int index) => _leases.TryGetValue(index, out var lease) ? lease.Holder : null;

    /// <summary>True once every item has ended (succeeded, failed or cancelled).</summary>
    public bool AllEnded
    {
        get
        {
            // Cheap checks first (this runs on every report): an item in flight holds a lease, and no item below the cursor is pending.
            if (_leases.Count > 0) return false;
            AdvanceCursor();
            if (_cursor < Count) return false;
            for (var i = 0; i < Count; i++)
                if (_status[i] is (byte)ItemState.Pending or (byte)ItemState.Dispatched) return false;
            return true;
        }
    }

    /// <summary>
    /// Dispatch: up to <paramref name="window"/> − in-flight pending items whose retry time has come, lowest index
    /// first. Each gets its next attempt and a lease; persist before starting any of them, so that no attempt is
    /// handed out twice.
    /// </summary>
    public IReadOnlyList<(int Index, int Attempt)> Dispatch(DateTime now, int window)
    {
        var batch = new List<(int, int)>();
        AdvanceCursor();
        for (var i = _cursor; i < Count && _leases.Count < window; i++)
        {
            if (_status[i] != (byte)ItemState.Pending) continue;
            if (_retryAt.TryGetValue(i, out var at) && at > now) continue;
            var attempt = ++_attempts[i];
            _status[i] = (byte)ItemState.Dispatched;
            _retryAt.Remove(i);
            _leases[i] = new Lease(attempt, now + _policy.LeaseTimeout, null);
            batch.Add((i, attempt));
        }

        return batch;
    }

    /// <summary>A worker on <paramref name="holder"/> accepted the attempt (placement told us where).</summary>
    public void Placed(int index, int attempt, string holder)
    {
        if (_leases.TryGetValue(index, out var lease) && lease.Attempt == attempt) _leases[index] = lease with { Holder = holder };
    }

    /// <summary>
    /// The attempt never started: not placed, a full queue, handed back by a worker that is stopping, or its dispatch
    /// could not be persisted. The attempt is refunded and the item is pending again at once. Ignored unless
    /// <paramref name="attempt"/> is the item's current, dispatched attempt.
    /// </summary>
    public bool NotStarted(int index, int attempt)
    {
        if (!IsCurrent(index, attempt) || _status[index] != (byte)ItemState.Dispatched) return false;
        Refund(index);
        MakePending(index);
        return true;
    }

    /// <summary>A worker's heartbeat for all its items at once: the items the job no longer wants from it (see
    /// <see cref="Heartbeat"/>); <paramref name="changed"/> when any lapsed lease was taken back (by <paramref name="holder"/>).</summary>
    public int[] Heartbeats(int[] indices, int[] attempts, DateTime now, out bool changed, string? holder = null)
    {
        changed = false;
        var unwanted = new List<int>();
        for (var k = 0; k < indices.Length && k < attempts.Length; k++)
        {
            if (!Heartbeat(indices[k], attempts[k], now, out var takenBack, holder)) unwanted.Add(indices[k]);
            changed |= takenBack;
        }
        return [.. unwanted];
    }

    /// <summary>
    /// A worker renews its lease. False when the job no longer wants the attempt (finished, superseded or cancelled):
    /// drop it. <paramref name="takenBack"/> is true when the item's lease had lapsed and the item is Dispatched again
    /// (a change to persist).
    /// </summary>
    public bool Heartbeat(int index, int attempt, DateTime now, out bool takenBack, string? holder = null)
    {
        takenBack = false;
        if (!InRange(index) || !IsCurrent(index, attempt)) return false;
        switch (StatusOf(index))
        {
            case ItemState.Dispatched:
                _leases[index] = new Lease(attempt, now + _policy.LeaseTimeout, holder ?? HolderOf(index));
                return true;
            case ItemState.Pending:
                // The lease ran out but the worker is alive: take the item back rather than run it twice.
                _status[index] = (byte)ItemState.Dispatched;
                _retryAt.Remove(index);
                _leases[index] = new Lease(attempt, now + _policy.LeaseTimeout, holder);
                takenBack = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A worker's report of how an attempt ended; see <see cref="LedgerChange"/> for what the caller must do.</summary>
    public LedgerChange Report(int index, int attempt, OutcomeKind kind, DateTime now) => kind switch
    {
        OutcomeKind.Succeeded => Succeeded(index),
        OutcomeKind.FailedDeterministic => FailedByItself(index, attempt, final: true, now),
        OutcomeKind.FailedTransient => FailedByItself(index, attempt, final: false, now),
        OutcomeKind.FailedInfrastructure => FailedByInfrastructure(index, attempt, now),
        OutcomeKind.DeadlineExceeded => DeadlineExceeded(index, attempt, now),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown outcome"),
    };

    /// <summary>
    /// Report success: any attempt's success ends an item that has not ended (the work is done; a stale attempt's
    /// result is as good as the current one's).
    /// </summary>
    public LedgerChange Succeeded(int index) => End(index, ItemState.Succeeded, declared: false);

    /// <summary>
    /// Report failure, the item's own: <paramref name="final"/> (deterministic: retrying cannot help) ends it at any
    /// attempt; otherwise the current attempt is retried after back-off until the attempts are spent. A stale attempt's
    /// transient failure changes nothing (a newer attempt is under way).
    /// </summary>
    public LedgerChange FailedByItself(int index, int attempt, bool final, DateTime now)
    {
        if (!InRange(index) || IsEnded(index)) return LedgerChange.None;
        if (final) return End(index, ItemState.Failed, declared: false);
        if (!IsCurrent(index, attempt)) return LedgerChange.None;
        if (_attempts[index] >= _policy.MaxAttempts) return End(index, ItemState.Failed, declared: true);
        Retry(index, now + _policy.RetryDelay(_attempts[index] + 1));
        return LedgerChange.Retrying;
    }

    /// <summary>
    /// A deadline exceeded: the item ran longer than it may and its run was cancelled. The attempt is spent (counted
    /// once, when it was dispatched) and the item is retried like a transient failure of its own: a hang may be the
    /// device's (a stuck kernel), and an item that hangs every time ends failed once its attempts are spent.
    /// </summary>
    public LedgerChange DeadlineExceeded(int index, int attempt, DateTime now) => FailedByItself(index, attempt, final: false, now);

    /// <summary>
    /// Report failure, the infrastructure's (storage or transport, not the item): the attempt is refunded and the item
    /// waits a back-off that grows with consecutive such failures, however many there are.
    /// </summary>
    public LedgerChange FailedByInfrastructure(int index, int attempt, DateTime now)
    {
        if (!InRange(index) || IsEnded(index) || !IsCurrent(index, attempt)) return LedgerChange.None;
        var failures = _infrastructureFailures[index] = _infrastructureFailures.GetValueOrDefault(index) + 1;
        Refund(index);
        Retry(index, now + _policy.InfrastructureDelay(failures));
        return LedgerChange.Retrying;
    }

    /// <summary>Lease expiry: items whose workers went silent are retried, or fail once their attempts are spent.</summary>
    public IReadOnlyList<(int Index, LedgerChange Change)> ExpireLeases(DateTime now) =>
        Lose(_leases.Where(kv => kv.Value.Expires < now).Select(kv => kv.Key).ToList(), now);

    /// <summary>
    /// Silo lost: the items it held are lost now rather than when their leases run out. Like an expired lease this
    /// spends the attempt: a silence cannot be told apart from an item that kills its worker.
    /// </summary>
    public IReadOnlyList<(int Index, LedgerChange Change)> SiloLost(string holder, DateTime now) =>
        Lose(_leases.Where(kv => kv.Value.Holder == holder).Select(kv => kv.Key).ToList(), now);

    /// <summary>The silos holding items now (for noticing lost ones).</summary>
    public IReadOnlySet<string> Holders() => _leases.Values.Select(l => l.Holder).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>The attempts in flight, each with the silo holding it when known (null after a restore or a lease taken
    /// back by a heartbeat): a job that cancels tells those silos to stop them.</summary>
    public IReadOnlyList<(int Index, int Attempt, string? Holder)> InFlightAttempts() =>
        _leases.Select(kv => (kv.Key, kv.Value.Attempt, kv.Value.Holder)).ToList();

    /// <summary>Cancel: every item that has not ended is cancelled. Returns how many were in flight (their workers are told
    /// by <see cref="CancellationFanOut"/>, or else learn at their next heartbeat).</summary>
    public int Cancel()
    {
        var inFlight = _leases.Count;
        for (var i = 0; i < Count; i++)
            if (_status[i] is (byte)ItemState.Pending or (byte)ItemState.Dispatched) _status[i] = (byte)ItemState.Cancelled;
        _leases.Clear();
        _retryAt.Clear();
        _cursor = Count;
        return inFlight;
    }

    /// <summary>
    /// A worker's record of how the item ended was found: it is the truth, over a failure the job declared from silence
    /// (the report was lost, the lease ran out, but the worker finished and wrote its record). Only a success or a
    /// deterministic failure ends an item this way, also one the job cancelled: it finished after all (before a crash
    /// lost the report's effect), and its summary lists it.
    /// </summary>
    public LedgerChange Recorded(int index, OutcomeKind kind)
    {
        if (!InRange(index)) return LedgerChange.None;
        var state = kind switch
        {
            OutcomeKind.Succeeded => ItemState.Succeeded,
            OutcomeKind.FailedDeterministic => ItemState.Failed,
            _ => (ItemState?)null,
        };
        if (state is not { } ended || StatusOf(index) == ended) return LedgerChange.None;
        return Close(index, ended, declared: false);
    }

    /// <summary>
    /// A finished item whose result is missing from storage (its record was lost): it runs again, as a fresh item
    /// (its attempts reset, since the attempts that finished it were not failures).
    /// </summary>
    public void ResultMissing(int index)
    {
        if (!IsEnded(index) || StatusOf(index) == ItemState.Cancelled) return;
        _attempts[index] = 0;
        MakePending(index);
    }

    /// <summary>How a job whose items all ended ends: Completed, Failed (every item failed, with the reason to show) or
    /// CompletedWithFailures.</summary>
    public (JobState State, string? Error) Ending()
    {
        var failed = Tally().Failed;
        return failed == 0 ? (JobState.Completed, null)
            : failed == Count ? (JobState.Failed, "every item failed (reasons in the task summaries)")
            : (JobState.CompletedWithFailures, null);
    }

    /// <summary>Counts per state (for status reports).</summary>
    public (int Succeeded, int Failed, int InFlight, int Cancelled) Tally()
    {
        int succeeded = 0, failed = 0, dispatched = 0, cancelled = 0;
        foreach (var b in _status)
        {
            switch ((ItemState)b)
            {
                case ItemState.Succeeded: succeeded++; break;
                case ItemState.Failed: failed++; break;
                case ItemState.Dispatched: dispatched++; break;
                case ItemState.Cancelled: cancelled++; break;
            }
        }

        return (succeeded, failed, dispatched, cancelled);
    }

    private IReadOnlyList<(int, LedgerChange)> Lose(List<int> lost, DateTime now)
    {
        var changes = new List<(int, LedgerChange)>(lost.Count);
        foreach (var i in lost)
        {
            if (_attempts[i] >= _policy.MaxAttempts) changes.Add((i, End(i, ItemState.Failed, declared: true)));
            else
            {
                Retry(i, now + _policy.RetryDelay(_attempts[i] + 1));
                changes.Add((i, LedgerChange.Retrying));
            }
        }

        return changes;
    }

    private LedgerChange End(int index, ItemState state, bool declared) =>
        !InRange(index) || IsEnded(index) ? LedgerChange.None : Close(index, state, declared);


    private LedgerChange Close(int index, ItemState state, bool declared)
    {
        _status[index] = (byte)state;
        _leases.Remove(index);
        _retryAt.Remove(index);
        _infrastructureFailures.Remove(index);
        return state == ItemState.Succeeded ? LedgerChange.Succeeded : declared ? LedgerChange.FailedDeclared : LedgerChange.Failed;
    }

    private void Retry(int index, DateTime at)
    {
        MakePending(index);
        _retryAt[index] = at;
        Retries++;
    }

    private void MakePending(int index)
    {
        _status[index] = (byte)ItemState.Pending;
        _leases.Remove(index);
        _retryAt.Remove(index);
        _cursor = Math.Min(_cursor, index);
    }

    private void Refund(int index)
    {
        if (_attempts[index] > 0) _attempts[index]--;
    }

    private void AdvanceCursor()
    {
        while (_cursor < Count && _status[_cursor] != (byte)ItemState.Pending) _cursor++;
    }

    private bool InRange(int index) => index >= 0 && index < Count;

    private bool IsCurrent(int index, int attempt) => InRange(index) && _attempts[index] == attempt;

    private bool IsEnded(int index) => _status[index] is (byte)ItemState.Succeeded or (byte)ItemState.Failed or (byte)ItemState.Cancelled;
}
