using System.Text;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Jobs;

namespace Spgd.Cluster.Tests.Jobs.Simulation;

/// <summary>
/// One seeded schedule, in the manner of FoundationDB's deterministic simulation: the real <see cref="ItemLedger"/> and
/// <see cref="AggregateReconciler"/>, driven by the same glue as <c>JobGrain</c> (persist before start, refund what was
/// not started, aggregate what ended, write declared failures' records), in a world of virtual seconds whose every
/// choice comes from one <see cref="Random"/>: reports duplicated, delayed and lost; heartbeats lost; silos killed with
/// items in flight (membership noticing or not); the job grain and the aggregators crashing and restoring from their
/// last persisted state; storage outages failing writes and reads; flaky and deterministically failing items. After
/// every step the invariants are checked (a Jepsen-style checker over the history); the same seed replays the same schedule.
/// </summary>
internal sealed class JobSimulation
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const int FaultHorizon = 240, MaxSeconds = 6000;

    private enum Nature { Good, Flaky, Deterministic }

    private sealed record WorkerRun(int Index, int Attempt, string Holder, int EndsAt);

    private sealed record Message(int DeliverAt, ItemOutcome? Report, string? HeartbeatFrom, (int Index, int Attempt)[]? Held);

    private readonly Random _rng;
    private readonly StringBuilder? _trace;
    private readonly LedgerPolicy _policy;
    private readonly JobItemIndex _items;
    private readonly Nature[] _nature;
    private readonly int _window;
    private readonly string[] _siloNames;
    private readonly int[] _siloGeneration;
    private readonly bool[] _siloAlive;
    private readonly int[] _siloBackAt;
    private readonly List<WorkerRun> _runs = [];
    private readonly List<Message> _network = [];
    // Storage: item records, the job's persisted progress, the aggregators' persisted state.
    private readonly Dictionary<string, ItemOutcome> _records = new(StringComparer.Ordinal);
    private byte[] _persistedStatus, _persistedAttempts;
    private int _persistedRetries;
    private Dictionary<string, ItemOutcome>[] _aggregates, _persistedAggregates;
    // The job grain's memory.
    private byte[] _status, _attempts;
    private ItemLedger _ledger;
    private readonly HashSet<int> _deterministicFailed = [];
    private readonly HashSet<int> _rerunBecauseMissing = [];
    private HashSet<int> _persistedEnded = [];
    private int _now, _storageDownUntil = -1;
    private bool _finished;

    /// <summary>Faults injected, by kind (for the report of what a CI run covers).</summary>
    public Dictionary<string, int> Faults { get; } = new(StringComparer.Ordinal);

    /// <summary>Virtual seconds the schedule took.</summary>
    public int Seconds => _now;

    private JobSimulation(int seed, bool trace)
    {
        _rng = new Random(seed);
        _trace = trace ? new StringBuilder() : null;
        var tasks = _rng.Next(1, 3);
        var images = _rng.Next(1, 6);
        var runs = _rng.Next(1, 3);
        var definition = new JobDefinition
        {
            Dataset = new DatasetRef { Kind = DatasetKind.SpectralDemo, Count = images },
            Model = new ModelRef(),
            Tasks = Enumerable.Range(0, tasks).Select(t => new TaskSettings { Name = $"task{t}" }).ToList(),
            Runs = runs,
        };
        var ids = Enumerable.Range(0, images).Select(i => $"img{i}").ToArray();
        _items = new JobItemIndex("sim", definition, ids, ids);
        var count = (int)_items.Count;
        _policy = new LedgerPolicy(_rng.Next(1, 5), TimeSpan.FromSeconds(_rng.Next(4, 12)),
            n => TimeSpan.FromSeconds(Math.Min(8, 1 << Math.Max(0, n - 2))), n => TimeSpan.FromSeconds(Math.Min(8, 1 << Math.Min(n, 4))));
        _nature = Enumerable.Range(0, count).Select(_ => _rng.Next(10) switch { < 6 => Nature.Good, < 8 => Nature.Flaky, _ => Nature.Deterministic }).ToArray();
        _window = _rng.Next(1, 6);
        var silos = _rng.Next(1, 4);
        _siloNames = Enumerable.Range(0, silos).Select(s => $"silo{s}").ToArray();
        _siloGeneration = new int[silos];
        _siloAlive = Enumerable.Repeat(true, silos).ToArray();
        _siloBackAt = new int[silos];
        _status = new byte[count];
        _attempts = new byte[count];
        _persistedStatus = new byte[count];
        _persistedAttempts = new byte[count];
        _ledger = new ItemLedger(_status, _attempts, _policy);
        _aggregates = NewAggregates();
        _persistedAggregates = NewAggregates();
        Trace($"seed {seed}: {count} items ({tasks} tasks × {images} images × {runs} runs), max attempts {_policy.MaxAttempts}, lease {_policy.LeaseTimeout.TotalSeconds} s, window {_window}, {silos} silos, natures {string.Join("", _nature.Select(n => n.ToString()[0]))}");
    }

    /// <summary>Runs schedule <paramref name="seed"/>; the first broken invariant throws <see cref="SimulationException"/> naming the seed.</summary>
    public static JobSimulation Run(int seed, bool trace = false)
    {
        var sim = new JobSimulation(seed, trace);
        try
        {
            sim.RunToEnd();
        }
        catch (Exception e) when (e is not SimulationException)
        {
            throw new SimulationException(seed, e.Message, trace ? sim._trace!.ToString() : Replay(seed));
        }
        return sim;
    }

    private static string Replay(int seed)
    {
        try { Run(seed, trace: true); return "(the traced replay did not fail: the schedule is not deterministic)"; }
        catch (SimulationException e) { return e.Trace; }
    }

    private void RunToEnd()
    {
        for (_now = 0; _now < MaxSeconds && !_finished; _now++)
        {
            if (_now < FaultHorizon) InjectFaults();
            ReviveSilos();
            DeliverMessages();
            FinishRuns();
            if (_now % 2 == 0) SendHeartbeats();
            Tick();
            if (_now % 3 == 0 && StorageUp) FlushAggregates();
            if (_rng.Next(4) == 0) Persist("flush");
            CheckInvariants();
        }

        Check(_finished, $"the job did not finish in {MaxSeconds} s (an item was lost): {Describe()}");
        CheckFinalSummaries();
    }

    private bool StorageUp => _now >= _storageDownUntil;

    private void InjectFaults()
    {
        switch (_rng.Next(200))
        {
            case 0:
                _storageDownUntil = _now + _rng.Next(1, 40);
                Fault("storage outage", $"storage down until {_storageDownUntil}");
                break;
            case 1 when _siloAlive.Count(a => a) > 0:
                var s = Array.FindIndex(_siloAlive, a => a);
                s = _rng.Next(_siloNames.Length) is var r && _siloAlive[r] ? r : s;
                var holder = Holder(s);
                var held = _runs.Count(x => x.Holder == holder);
                _runs.RemoveAll(x => x.Holder == holder);
                _siloAlive[s] = false;
                _siloBackAt[s] = _now + _rng.Next(1, 30);
                _siloGeneration[s]++;
                Fault(held > 0 ? "silo killed with items in flight" : "silo killed", $"killed {holder} holding {held}");
                // Membership notices only sometimes (or late); otherwise the leases must run out.
                if (_rng.Next(2) == 0) Apply(_ledger.SiloLost(holder, Now), "silo lost");
                break;
            case 2:
                Fault("job grain restored from persisted state", $"job grain crashed with {_ledger.InFlight} in flight");
                RestoreJob();
                break;
            case 3:
                Fault("aggregators restored from persisted state", "aggregators crashed");
                _aggregates = _persistedAggregates.Select(a => new Dictionary<string, ItemOutcome>(a, StringComparer.Ordinal)).ToArray();
                break;
        }
    }

    private void RestoreJob()
    {
        _status = (byte[])_persistedStatus.Clone();
        _attempts = (byte[])_persistedAttempts.Clone();
        _ledger = ItemLedger.Restore(_status, _attempts, _policy, _persistedRetries, Now);
        // What the job knew of deterministic failures is what it had persisted.
        _deterministicFailed.RemoveWhere(i => _status[i] != (byte)ItemState.Failed);
    }

    private void ReviveSilos()
    {
        for (var s = 0; s < _siloNames.Length; s++)
            if (!_siloAlive[s] && _now >= _siloBackAt[s]) _siloAlive[s] = true;
    }

    private void DeliverMessages()
    {
        var due = _network.Where(m => m.DeliverAt <= _now).ToList();
        _network.RemoveAll(m => m.DeliverAt <= _now);
        foreach (var m in due)
        {
            if (m.Report is { } report) Report(report);
            else if (m.Held is { } held)
            {
                foreach (var (index, attempt) in held)
                {
                    if (_ledger.Heartbeat(index, attempt, Now, out _, m.HeartbeatFrom)) continue;
                    // Unwanted: the worker drops the attempt (finished elsewhere, superseded or cancelled).
                    _runs.RemoveAll(r => r.Index == index && r.Attempt == attempt && r.Holder == m.HeartbeatFrom);
                }
            }
        }
    }

    private void FinishRuns()
    {
        foreach (var run in _runs.Where(r => r.EndsAt <= _now).ToList())
        {
            _runs.Remove(run);
            var (task, image, r, point) = _items.Decompose(run.Index);
            var outcome = new ItemOutcome
            {
                JobId = "sim", Index = run.Index, ItemId = _items.ItemIdOf(run.Index), Task = task, ImageId = $"img{image}", Run = r,
                Attempt = run.Attempt, Silo = run.Holder, Method = point?.Label,
                Kind = _nature[run.Index] switch
                {
                    Nature.Deterministic => OutcomeKind.FailedDeterministic,
                    Nature.Flaky when _rng.Next(2) == 0 => OutcomeKind.FailedTransient,
                    _ => OutcomeKind.Succeeded,
                },
            };
            if (outcome.Kind is OutcomeKind.Succeeded or OutcomeKind.FailedDeterministic)
            {
                // The worker writes the record before it reports; storage down makes it an infrastructure failure.
                if (StorageUp) _records[outcome.ItemId] = outcome;
                else outcome = outcome with { Kind = OutcomeKind.FailedInfrastructure, Error = "storage down" };
            }

            Send(outcome);
        }
    }

    private void Send(ItemOutcome report)
    {
        var roll = _now < FaultHorizon ? _rng.Next(10) : 9;
        if (roll == 0) { Fault("report lost", $"lost report {report.Index}#{report.Attempt} {report.Kind}"); return; }
        _network.Add(new Message(_now + _rng.Next(0, 4), report, null, null));
        if (roll == 1)
        {
            Fault("report duplicated (late copy)", $"duplicated report {report.Index}#{report.Attempt}");
            _network.Add(new Message(_now + _rng.Next(1, 30), report, null, null));
        }
    }

    private void SendHeartbeats()
    {
        foreach (var group in _runs.GroupBy(r => r.Holder))
        {
            if (_now < FaultHorizon && _rng.Next(8) == 0) { Fault("heartbeat lost", $"heartbeat of {group.Key} lost"); continue; }
            _network.Add(new Message(_now + _rng.Next(0, 2), null, group.Key, group.Select(r => (r.Index, r.Attempt)).ToArray()));
        }
    }

    // JobGrain.ReportAsync.
    private void Report(ItemOutcome outcome)
    {
        var change = _ledger.Report(outcome.Index, outcome.Attempt, outcome.Kind, Now);
        Trace($"report {outcome.Index}#{outcome.Attempt} {outcome.Kind} -> {change}");
        if (change == LedgerChange.Retrying && outcome.Kind == OutcomeKind.FailedDeterministic)
            throw new InvariantViolation($"item {outcome.Index}: a deterministic failure was put back for a retry");
        if (change == LedgerChange.Failed && outcome.Kind == OutcomeKind.FailedDeterministic) _deterministicFailed.Add(outcome.Index);
        ApplyChange(outcome.Index, change, change == LedgerChange.FailedDeclared ? outcome with { Error = "attempts spent" } : outcome);
        TryFinish();
    }

    // JobGrain.TickAsync and DispatchAsync.
    private void Tick()
    {
        Apply(_ledger.ExpireLeases(Now), "lease expired");
        var batch = _ledger.Dispatch(Now, _window);
        if (batch.Count > 0)
        {
            foreach (var (index, attempt) in batch)
            {
                if (_deterministicFailed.Contains(index))
                    throw new InvariantViolation($"item {index} dispatched again (attempt {attempt}) after a deterministic failure");
                Trace($"dispatch {index}#{attempt}");
            }

            if (!Persist("dispatch"))
            {
                foreach (var (index, attempt) in batch) _ledger.NotStarted(index, attempt);
            }
            else
            {
                foreach (var (index, attempt) in batch)
                {
                    var s = _rng.Next(_siloNames.Length);
                    if (!_siloAlive[s] || (_now < FaultHorizon && _rng.Next(10) == 0))
                    {
                        Trace($"not placed {index}#{attempt}");
                        _ledger.NotStarted(index, attempt);
                        continue;
                    }

                    _ledger.Placed(index, attempt, Holder(s));
                    _runs.Add(new WorkerRun(index, attempt, Holder(s), _now + _rng.Next(1, 7)));
                }
            }
        }

        TryFinish();
    }

    private void Apply(IReadOnlyList<(int Index, LedgerChange Change)> changes, string why)
    {
        foreach (var (index, change) in changes)
        {
            Trace($"{why}: {index} -> {change}");
            ApplyChange(index, change, _items.DeclaredFailure(index, _ledger.AttemptsOf(index), why));
        }
    }

    // JobGrain.ApplyAsync.
    private void ApplyChange(int index, LedgerChange change, ItemOutcome outcome)
    {
        if (change is LedgerChange.None or LedgerChange.Retrying) return;
        if (change == LedgerChange.FailedDeclared && StorageUp)
        {
            // JobReports.DeclareFailureAsync: a worker's record is the truth over a failure declared from silence.
            if (_records.GetValueOrDefault(outcome.ItemId) is { Kind: OutcomeKind.Succeeded or OutcomeKind.FailedDeterministic } recorded)
            {
                _ledger.Recorded(index, recorded.Kind);
                outcome = recorded;
            }
            else _records[outcome.ItemId] = outcome;
        }
        // The aggregator call may fail (its silo dying): the reconciliation restores it from the record.
        if (_rng.Next(20) != 0) AggregateRecords.Take(_aggregates[CellOf(index)], outcome);
    }

    // JobGrain.TryFinishAsync.
    private void TryFinish()
    {
        if (_finished || !_ledger.AllEnded) return;
        if (!StorageUp) return; // the reconciliation reads records: it fails, and the next tick tries again
        var complete = AggregateReconciler.ReconcileAsync(_ledger, _items,
            c => Task.FromResult<IReadOnlyDictionary<string, OutcomeKind>>(_aggregates[c].ToDictionary(kv => kv.Key, kv => kv.Value.Kind)),
            id => Task.FromResult(_records.GetValueOrDefault(id)),
            (c, restored) =>
            {
                foreach (var o in restored) AggregateRecords.Take(_aggregates[c], o);
                _persistedAggregates[c] = new Dictionary<string, ItemOutcome>(_aggregates[c], StringComparer.Ordinal);
                return Task.CompletedTask;
            },
            id =>
            {
                _rerunBecauseMissing.Add(Enumerable.Range(0, _ledger.Count).First(i => _items.ItemIdOf(i) == id));
                Trace($"record of {id} missing: runs again");
            }).GetAwaiter().GetResult();
        if (!complete) return;
        FlushAggregates();
        if (!Persist("final")) return;
        _finished = true;
        Trace($"finished at {_now} s: {Describe()}");
    }

    private bool Persist(string why)
    {
        if (!StorageUp)
        {
            Fault("storage write failed", $"persist ({why}) failed: storage down");
            _ledger.RenewLeases(Now); // JobGrain.FlushAsync
            return false;
        }

        var ended = Enumerable.Range(0, _ledger.Count).Where(i => IsEnded(_status[i])).ToHashSet();
        var regressed = _persistedEnded.Except(ended).Except(_rerunBecauseMissing).ToList();
        if (regressed.Count > 0) throw new InvariantViolation($"persisted progress went backwards: items {string.Join(",", regressed)} ended before, not now");
        _persistedEnded = ended;
        _persistedStatus = (byte[])_status.Clone();
        _persistedAttempts = (byte[])_attempts.Clone();
        _persistedRetries = _ledger.Retries;
        return true;
    }

    private void FlushAggregates() =>
        _persistedAggregates = _aggregates.Select(a => new Dictionary<string, ItemOutcome>(a, StringComparer.Ordinal)).ToArray();

    private void CheckInvariants()
    {
        for (var i = 0; i < _ledger.Count; i++)
        {
            Check(_attempts[i] <= _policy.MaxAttempts, $"item {i}: {_attempts[i]} attempts spent, more than {_policy.MaxAttempts}");
            Check(_persistedAttempts[i] <= _policy.MaxAttempts, $"item {i}: {_persistedAttempts[i]} attempts persisted, more than {_policy.MaxAttempts}");
        }

        var tally = _ledger.Tally();
        Check(tally.InFlight == _ledger.InFlight, $"{tally.InFlight} items are Dispatched but {_ledger.InFlight} hold a lease");
    }

    private void CheckFinalSummaries()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < _aggregates.Length; c++)
            foreach (var id in _aggregates[c].Keys)
                Check(seen.Add(id), $"item {id} is in two summaries");
        for (var i = 0; i < _ledger.Count; i++)
        {
            var id = _items.ItemIdOf(i);
            var state = _ledger.StatusOf(i);
            Check(state is ItemState.Succeeded or ItemState.Failed, $"item {i} ended the job {state}");
            Check(_aggregates[CellOf(i)].TryGetValue(id, out var summarized), $"item {id} is missing from its summary");
            Check((summarized!.Kind == OutcomeKind.Succeeded) == (state == ItemState.Succeeded),
                $"item {id}: the job says {state}, its summary {summarized.Kind}");
            if (_nature[i] == Nature.Deterministic) Check(state == ItemState.Failed, $"item {id} fails deterministically but ended {state}");
        }

        Check(seen.Count == _ledger.Count, $"the summaries hold {seen.Count} items, the job {_ledger.Count}");
    }

    private void Check(bool condition, string message)
    {
        if (!condition) throw new InvariantViolation(message);
    }

    private void Fault(string kind, string detail)
    {
        Faults[kind] = Faults.GetValueOrDefault(kind) + 1;
        Trace(detail);
    }

    private void Trace(string line) => _trace?.Append(_now.ToString("D4")).Append(' ').AppendLine(line);

    private string Describe() =>
        $"{string.Join("", Enumerable.Range(0, _ledger.Count).Select(i => _ledger.StatusOf(i).ToString()[0]))}, attempts {string.Join(",", _attempts)}, {_ledger.InFlight} in flight";

    private DateTime Now => Epoch.AddSeconds(_now);

    private string Holder(int silo) => $"{_siloNames[silo]}@{_siloGeneration[silo]}";

    private int CellOf(int index) => index / _items.CellSize;

    private Dictionary<string, ItemOutcome>[] NewAggregates() =>
        Enumerable.Range(0, _items.CellCount).Select(_ => new Dictionary<string, ItemOutcome>(StringComparer.Ordinal)).ToArray();

    private static bool IsEnded(byte status) => status is (byte)ItemState.Succeeded or (byte)ItemState.Failed or (byte)ItemState.Cancelled;

    private sealed class InvariantViolation(string message) : Exception(message);
}

/// <summary>A schedule broke an invariant: the seed that replays it, what broke, and the schedule's trace.</summary>
internal sealed class SimulationException(int seed, string violation, string trace)
    : Exception($"schedule seed {seed} broke an invariant: {violation}\nreplay: SPGD_SIM_SEED={seed} dotnet test tests/Spgd.Cluster.Tests --filter FullyQualifiedName~JobSimulationTests.Replay\n{trace}")
{
    public int Seed { get; } = seed;
    public string Violation { get; } = violation;
    public string Trace { get; } = trace;
}
