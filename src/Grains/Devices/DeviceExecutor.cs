using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Spgd.Storage;
using Spgd.Grains.Telemetry;

namespace Spgd.Grains.Devices;

/// <summary>
/// Owns this silo's device: a bounded queue of accepted items and <see cref="DeviceOptions.Slots"/>
/// dedicated threads that run them, one item at a time each or, with <see cref="DeviceOptions.MaxBatchSize"/> above 1
/// and a runner that supports it (<see cref="IBatchWorkItemRunner"/>), a batch of queued items with the same batch key.
/// Accepting returns at once; when an item ends the outcome is written next to its results and reported to its job,
/// each item of a batch separately. While items are held their leases are renewed, so a job notices a dead silo by the silence.
/// The device is probed (<see cref="IDeviceProbe"/>) before it accepts anything; every run has a deadline
/// (<see cref="ItemDeadlines"/>), past which its items fail and, if the runner ignores the cancellation, its slot gets a new
/// thread; a graceful stop lets running items finish for <see cref="DeviceOptions.DrainTimeout"/>, then hands them back.
/// </summary>
public sealed class DeviceExecutor : ILifecycleParticipant<ISiloLifecycle>, IDeviceGauges, IDisposable
{
    private readonly DeviceOptions _options;
    private readonly IServiceProvider _services;
    private IWorkItemRunner _runner = null!;
    private IBatchWorkItemRunner? _batchRunner;
    private readonly IGrainFactory _grains;
    private readonly IBlobStore _store;
    private readonly ILogger<DeviceExecutor> _logger;
    private readonly string _siloName;
    private readonly string _siloKey;
    private readonly BatchingQueue<WorkItem> _queue;
    private readonly ItemDeadlines _deadlines;
    // Runs whose runner has not returned yet (including abandoned ones: they hold liveness until they return).
    private readonly ConcurrentDictionary<DeviceRun, byte> _runs = new();
    private volatile string? _notReadyReason = "starting";
    private readonly ConcurrentDictionary<(string Job, int Index), int> _held = new();
    private readonly ConcurrentDictionary<(string Job, int Index, int Attempt), bool> _unwanted = new();
    // The running batch (often of one) each held attempt belongs to: cancelled once the jobs want none of its items.
    private readonly ConcurrentDictionary<(string Job, int Index, int Attempt), DeviceRun> _runningBatches = new();
    // The dispatching call's span, so the item's span continues the trace across the grain call.
    private readonly ConcurrentDictionary<(string Job, int Index, int Attempt), ActivityContext> _parents = new();
    private IDisposable? _gauges;
    private readonly CancellationTokenSource _stop = new();
    private readonly ResiliencePipeline _reportRetry;
    private readonly List<Thread> _threads = [];
    private readonly object _gate = new();
    private int _queued;
    private int _running;
    private int _busySlots;
    private volatile bool _accepting;
    private int _disposed;
    private int _finishing;

    /// <summary>Creates the executor; the runner is resolved and threads start when the silo becomes active (only with a device).</summary>
    public DeviceExecutor(IOptions<DeviceOptions> options, IServiceProvider services, IGrainFactory grains,
        IBlobStore store, ILocalSiloDetails silo, ILogger<DeviceExecutor> logger)
    {
        _options = options.Value;
        _services = services;
        _grains = grains;
        _store = store;
        _logger = logger;
        _siloName = silo.Name;
        _siloKey = silo.SiloAddress.ToParsableString();
        // Keys are computed when an item is queued; before the runner is known (or without batching) every item runs alone.
        _queue = new BatchingQueue<WorkItem>(BatchKey);
        _deadlines = new ItemDeadlines(_options, item => Restoration.ItemNetworkEvaluations.Of(item));
        // A job's silo may be dying: retry long enough for the membership to notice and the job to re-activate elsewhere.
        _reportRetry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 12,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(8),
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(_ => !_stop.IsCancellationRequested),
        }).Build();
    }

    /// <summary>Device name; empty when this silo has none.</summary>
    public string Device => _options.Device ?? "";

    /// <summary>True when the silo has no device, or its device answered its probe and accepts work.</summary>
    public bool IsReady => !_options.HasDevice || _accepting;

    /// <summary>Why the device does not accept work (probe failure, starting, stopping); null when it does.</summary>
    public string? NotReadyReason => !_options.HasDevice ? null : _accepting ? null : _notReadyReason ?? "stopping";

    /// <summary>
    /// False when a run is still on the device <see cref="DeviceOptions.StallTimeout"/> after its deadline: its runner
    /// ignored the cancellation (a hung kernel), and only a restart of the process frees the device.
    /// </summary>
    public bool IsLive => StalledRun() is null;

    /// <summary>Why <see cref="IsLive"/> is false; null while live.</summary>
    public string? StallReason => StalledRun() is { } run
        ? $"a run of {run.Items.Count} item(s) ({run.Items[0].JobId}/{run.Items[0].ItemId}) is still on {Device} {(DateTime.UtcNow - run.DeadlineAt).TotalSeconds:0} s after its deadline of {run.Deadline.TotalSeconds:0.#} s"
        : null;

    private DeviceRun? StalledRun()
    {
        var now = DateTime.UtcNow;
        return _runs.Keys.FirstOrDefault(r => !r.Returned && r.DeadlineAt < now - _options.StallTimeout);
    }

    /// <summary>The deadlines of this device's runs (measured rate included).</summary>
    public ItemDeadlines Deadlines => _deadlines;

    /// <summary>Items running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Items waiting for a slot.</summary>
    public int Queued => Volatile.Read(ref _queued);

    // Items accepted and not yet through their run: queued, taken by a slot thread, or running.
    private bool Busy
    {
        get { lock (_gate) return _queued + _running > 0; }
    }

    string IDeviceGauges.SiloName => _siloName;
    int IDeviceGauges.QueuedItems => Queued;
    int IDeviceGauges.BusySlots => Volatile.Read(ref _busySlots);

    /// <summary>
    /// Queues <paramref name="item"/>. False when this silo has no device, is stopping, or its queue is
    /// full; the job then retries the item later (elsewhere).
    /// </summary>
    public bool TryAccept(WorkItem item)
    {
        if (!_options.HasDevice || !_accepting) return false;
        lock (_gate)
        {
            if (_queued + _running >= _options.ItemSlots + _options.EffectiveQueueCapacity) return false;
            _queued++;
        }

        _held[(item.JobId, item.Index)] = item.Attempt;
        if (Activity.Current is { } caller) _parents[(item.JobId, item.Index, item.Attempt)] = caller.Context;
        if (_queue.TryAdd(item)) return true;

        // Stopping raced with this call: the queue no longer takes items.
        lock (_gate) _queued--;
        _held.TryRemove((item.JobId, item.Index), out _);
        _parents.TryRemove((item.JobId, item.Index, item.Attempt), out _);
        return false;
    }

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle)
    {
        if (!_options.HasDevice) return;
        lifecycle.Subscribe(nameof(DeviceExecutor), ServiceLifecycleStage.Active, _ => StartAsync(), StopAsync);
    }

    private Task StartAsync()
    {
        _runner = _services.GetRequiredService<IWorkItemRunner>();
        _batchRunner = _options.MaxBatchSize > 1 ? _runner as IBatchWorkItemRunner : null;
        if (_options.MaxBatchSize > 1 && _batchRunner is null)
            _logger.LogWarning("Device {Device}: batches of up to {Max} were asked for, but the runner {Runner} runs items one at a time",
                _options.Device, _options.MaxBatchSize, _runner.GetType().Name);
        for (var i = 0; i < _options.Slots; i++) StartSlotThread();

        _gauges = SpgdTelemetry.TrackDevice(this);
        HeartbeatLoopAsync().Ignore();
        WatchdogLoopAsync().Ignore();
        // Off the start path: a probe may load a model for minutes. The silo joins the cluster meanwhile but takes no
        // items and publishes no load, so placement and job windows ignore it until its device has answered.
        Task.Factory.StartNew(ProbeUntilReady, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Ignore();
        return Task.CompletedTask;
    }

    private void StartSlotThread()
    {
        lock (_threads)
        {
            var thread = new Thread(WorkLoop) { IsBackground = true, Name = $"spgd-device-{_options.Device}-{_threads.Count}" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    private void ProbeUntilReady()
    {
        var probe = _services.GetService<IDeviceProbe>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var what = probe?.Probe(_options.Device!, _stop.Token) ?? "no probe for this runner";
                if (_stop.IsCancellationRequested) return;
                _notReadyReason = null;
                _accepting = true;
                PublishLoopAsync().Ignore();
                _logger.LogInformation("Device {Device} ready with {Slots} slot(s), batches of up to {Batch} ({Probe})", _options.Device, _options.Slots,
                    _batchRunner is null ? 1 : _options.MaxBatchSize, what);
                return;
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                _notReadyReason = $"device {_options.Device} did not answer: {e.GetType().Name}: {e.Message}";
                _logger.LogError(e, "Device {Device} failed its probe; the silo stays unready and probes again in {Retry}", _options.Device, _options.ProbeRetryInterval);
            }
            catch (Exception) { return; }
            if (_stop.Token.WaitHandle.WaitOne(_options.ProbeRetryInterval)) return;
        }
    }

    // A graceful stop hands queued items back to their jobs and lets running ones finish while the host
    // allows; a kill (cancelled token) just stops, and the jobs notice by the missing heartbeats.
    private async Task StopAsync(CancellationToken ct)
    {
        _accepting = false;
        _notReadyReason = "stopping";
        _queue.CompleteAdding();
        if (!ct.IsCancellationRequested)
        {
            var released = new List<WorkItem>();
            while (_queue.TryTake(out var item))
            {
                lock (_gate) _queued--;
                released.Add(item);
            }

            await Task.WhenAll(released.Select(item => HandBackAsync(item, "queued")));
            try
            {
                // Running items may finish within the drain time; what is still running then is cancelled and handed
                // back (the attempt refunded), so the grace period is never spent waiting for a lease to lapse.
                var drainUntil = DateTime.UtcNow + _options.DrainTimeout;
                while (Busy && DateTime.UtcNow < drainUntil && !ct.IsCancellationRequested) await Task.Delay(100, ct);
                // Runs whose items someone must still report or hand back: not abandoned to the watchdog, and not handed
                // back here. A run leaves _runs only after its slot thread has tracked that report or hand-back, so
                // waiting on _runs (not on IsSettled, which the thread sets first) never lets the silo go in between.
                var handed = new HashSet<DeviceRun>();
                bool Unfinished(DeviceRun r) => !r.Abandoned && !handed.Contains(r);
                if (_runs.Keys.Any(Unfinished))
                {
                    _logger.LogInformation("Drain: {Count} run(s) still on {Device} after {Drain}; cancelling them to hand their items back",
                        _runs.Keys.Count(Unfinished), _options.Device, _options.DrainTimeout);
                    var graceUntil = DateTime.UtcNow + _options.CancelGrace;
                    while (_runs.Keys.Any(Unfinished) && DateTime.UtcNow < graceUntil && !ct.IsCancellationRequested)
                    {
                        // Also a run a slot thread took from the queue while the drain began.
                        foreach (var run in _runs.Keys.Where(r => !r.IsSettled && r.CancelledFor is null)) run.Cancel("drain");
                        await Task.Delay(50, ct);
                    }
                    // A runner that ignores cancellation: hand its items back anyway; its thread dies with the process.
                    foreach (var run in _runs.Keys.Where(Unfinished).ToList())
                    {
                        handed.Add(run);
                        if (run.TrySettle())
                            foreach (var item in run.Items) TrackFinishing(HandBackAsync(item, "running, not cancellable"));
                    }
                }
                // Finished items are written and reported, and handed-back ones acknowledged, before the silo goes.
                while (Volatile.Read(ref _finishing) > 0 && !ct.IsCancellationRequested) await Task.Delay(100, ct);
            }
            catch (OperationCanceledException) { }
        }

        _stop.Cancel();
    }

    // The job refunds the attempt and dispatches the item again at once (elsewhere: this silo accepts nothing now).
    private async Task HandBackAsync(WorkItem item, string state)
    {
        try
        {
            await _grains.GetGrain<IJobGrain>(item.JobId).ReleaseAsync(item.Index, item.Attempt);
            _logger.LogInformation("Handed {Item} of job {Job} (attempt {Attempt}, {State}) back to its job", item.ItemId, item.JobId, item.Attempt, state);
        }
        catch (Exception e) { _logger.LogWarning(e, "Could not hand {Item} back to job {Job}; its lease will expire", item.ItemId, item.JobId); }
        finally
        {
            _held.TryRemove((item.JobId, item.Index), out _);
            _parents.TryRemove((item.JobId, item.Index, item.Attempt), out _);
        }
    }

    private void TrackFinishing(Task task)
    {
        Interlocked.Increment(ref _finishing);
        task.ContinueWith(_ => Interlocked.Decrement(ref _finishing), TaskScheduler.Default).Ignore();
    }

    // A key that cannot be computed only costs the item its batching, never its acceptance.
    private object? BatchKey(WorkItem item)
    {
        try { return _batchRunner?.BatchKey(item); }
        catch (Exception e)
        {
            _logger.LogDebug(e, "No batch key for item {Item} of job {Job}; it runs alone", item.ItemId, item.JobId);
            return null;
        }
    }

    private void WorkLoop()
    {
        var maxBatch = _batchRunner is null ? 1 : _options.MaxBatchSize;
        try
        {
            while (true)
            {
                var taken = _queue.TakeBatch(maxBatch, _options.BatchLinger, _stop.Token);
                if (taken.Count == 0) return;
                var live = new List<WorkItem>(taken.Count);
                foreach (var item in taken)
                {
                    if (_unwanted.TryRemove((item.JobId, item.Index, item.Attempt), out _))
                    {
                        _held.TryRemove((item.JobId, item.Index), out _);
                        _parents.TryRemove((item.JobId, item.Index, item.Attempt), out _);
                    }
                    else live.Add(item);
                }

                var run = live.Count == 0 ? null : new DeviceRun(live, DateTime.UtcNow, _deadlines.For(live), _stop.Token);
                // One step, so TryAccept never sees the taken items in neither count, and a drain that finds nothing
                // busy finds no run either (a run is in _runs from here until its items are reported or handed back).
                lock (_gate)
                {
                    _queued -= taken.Count;
                    _running += live.Count;
                    if (run is not null) _runs[run] = 0;
                }
                if (run is null) continue;
                Interlocked.Increment(ref _busySlots);
                try
                {
                    Execute(run);
                }
                finally
                {
                    FreeSlot(run);
                }

                // The watchdog gave this slot a new thread while the runner hung: this thread is done.
                if (run.Abandoned) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException) { }
    }

    // One item runs through IWorkItemRunner.Run; several (same batch key) through IBatchWorkItemRunner.RunBatch, which
    // returns each item's own outcome. Every item keeps its own span, outcome record and report.
    private void Execute(DeviceRun run)
    {
        var items = run.Items;
        _runs[run] = 0;
        foreach (var item in items) _runningBatches[(item.JobId, item.Index, item.Attempt)] = run;
        // Told "unwanted" between the slot taking the items and the line above: stop before the first evaluation.
        run.CancelIfNoneWanted(_unwanted);
        var activities = items.Select(StartItemActivity).ToArray();
        try
        {
            foreach (var activity in activities) activity?.SetTag("spgd.batch_size", items.Count);
            SpgdTelemetry.BatchSize.Record(items.Count, new KeyValuePair<string, object?>(SpgdTelemetry.DeviceTag, _options.Device));
            var clock = Stopwatch.StartNew();
            var token = run.Cancellation.Token;
            IReadOnlyList<ItemRunOutcome>? results;
            try
            {
                results = items.Count == 1 ? [RunOne(items[0], token)] : _batchRunner!.RunBatch(items, _options.Device!, token);
                if (results.Count != items.Count)
                    throw new InvalidOperationException($"The runner returned {results.Count} outcomes for a batch of {items.Count}.");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                results = null;
            }
            catch (Exception e)
            {
                // A runner failure outside any one item: every item of the batch failed transiently.
                _logger.LogWarning(e, "A batch of {Count} items failed", items.Count);
                results = items.Select(_ => ItemRunOutcome.Failed(e)).ToArray();
            }
            finally
            {
                foreach (var item in items) _runningBatches.TryRemove((item.JobId, item.Index, item.Attempt), out _);
            }

            run.Returned = true;
            var seconds = clock.Elapsed.TotalSeconds;
            // Settled already by the watchdog (deadline) or the drain: what the runner returned now is not reported.
            if (!run.TrySettle())
            {
                foreach (var activity in activities) activity?.SetTag("spgd.outcome", run.CancelledFor ?? "settled");
                return;
            }

            if (results is null)
            {
                foreach (var activity in activities) activity?.SetTag("spgd.outcome", run.CancelledFor ?? "abandoned");
                switch (run.CancelledFor)
                {
                    case "deadline":
                        FailPastDeadline(run, seconds, activities);
                        break;
                    case "drain":
                        // Cancelled by the drain: always handed back (the stop waits for it), never left to a lease.
                        foreach (var item in items) TrackFinishing(HandBackAsync(item, "running, cancelled by the drain"));
                        break;
                    case "unwanted" when !_stop.IsCancellationRequested:
                        // The jobs want none of these items (cancelled, finished elsewhere): the device is free at the
                        // sampler's next network evaluation, and nothing is reported.
                        foreach (var item in items)
                        {
                            _held.TryRemove((item.JobId, item.Index), out _);
                            _unwanted.TryRemove((item.JobId, item.Index, item.Attempt), out _);
                        }
                        _logger.LogInformation("Cancelled {Count} running item(s) the jobs no longer want", items.Count);
                        break;
                    default:
                        // Killed: the jobs re-dispatch the items when their leases lapse.
                        foreach (var item in items) _held.TryRemove((item.JobId, item.Index), out _);
                        break;
                }
                return;
            }

            // Each item of a batch took the batch's time; the batch's evaluations are its items' (they run in step).
            var evaluations = results.Where(r => r.Result is not null).Select(r => (long)r.Result!.NetworkEvaluations).DefaultIfEmpty(0).Max();
            _deadlines.Observe(evaluations, seconds);
            for (var k = 0; k < items.Count; k++) Complete(items[k], results[k], seconds, activities[k]);
        }
        finally
        {
            _runs.TryRemove(run, out _);
            foreach (var item in items) _runningBatches.TryRemove(new KeyValuePair<(string, int, int), DeviceRun>((item.JobId, item.Index, item.Attempt), run));
            run.Cancellation.Dispose(); // unlinks it from the executor's stop token (a late Cancel is ignored)
            // Spans end in reverse order of starting, so Activity.Current unwinds to what it was.
            for (var k = activities.Length - 1; k >= 0; k--) activities[k]?.Dispose();
        }
    }

    private void FreeSlot(DeviceRun run)
    {
        if (!run.TryFreeSlot()) return;
        Interlocked.Decrement(ref _busySlots);
        lock (_gate) _running -= run.Items.Count;
    }

    // Every item of the run fails with the deadline as its reason; the attempt was counted when it was dispatched, and
    // the job retries it (or fails it for good after its last attempt) through ItemLedger.DeadlineExceeded.
    private void FailPastDeadline(DeviceRun run, double seconds, IReadOnlyList<Activity?>? activities)
    {
        var error = new ItemDeadlineExceededException(
            $"exceeded its deadline of {run.Deadline.TotalSeconds:0.#} s on {_options.Device} (ran {seconds:0.#} s)");
        for (var k = 0; k < run.Items.Count; k++)
            Complete(run.Items[k], ItemRunOutcome.Failed(error), seconds, activities?[k]);
    }

    // Deadlines: a cooperative runner is cancelled at its deadline and fails its items itself; one that ignores the
    // cancellation for CancelGrace is settled here, and its slot gets a new thread so the device keeps working.
    private async Task WatchdogLoopAsync()
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.CancelGrace.TotalMilliseconds / 4, 50, 1000));
        while (await DelayAsync(period))
        {
            var now = DateTime.UtcNow;
            foreach (var run in _runs.Keys)
            {
                if (run.Returned || run.IsSettled || now < run.DeadlineAt) continue;
                if (run.CancelledFor is null)
                {
                    _logger.LogWarning("Run of {Item} (job {Job}) passed its deadline of {Deadline} on {Device}; cancelling it",
                        run.Items[0].ItemId, run.Items[0].JobId, run.Deadline, _options.Device);
                    run.Cancel("deadline");
                }
                if (run.CancelledFor == "deadline" && now - run.DeadlineAt >= _options.CancelGrace && run.TrySettle())
                {
                    run.Abandoned = true;
                    _logger.LogError("Run of {Item} (job {Job}) ignored its cancellation for {Grace}: its items fail, the slot gets a new thread, " +
                        "and liveness fails if it is still running {Stall} after its deadline", run.Items[0].ItemId, run.Items[0].JobId,
                        _options.CancelGrace, _options.StallTimeout);
                    FailPastDeadline(run, (now - run.StartedAt).TotalSeconds, null);
                    FreeSlot(run);
                    if (!_stop.IsCancellationRequested) StartSlotThread();
                }
            }
        }
    }

    private ItemRunOutcome RunOne(WorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            return ItemRunOutcome.Succeeded(_runner.Run(item, _options.Device!, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            return ItemRunOutcome.Failed(e);
        }
    }

    private Activity? StartItemActivity(WorkItem item)
    {
        var parent = _parents.TryRemove((item.JobId, item.Index, item.Attempt), out var caller) ? caller : SpgdTelemetry.JobContext(item.JobId);
        var activity = SpgdTelemetry.Source.StartActivity("spgd.item", ActivityKind.Consumer, parent);
        activity?.SetTag("spgd.job", item.JobId);
        activity?.SetTag("spgd.task", item.Task);
        activity?.SetTag("spgd.image", item.ImageId);
        activity?.SetTag("spgd.run", item.Run);
        activity?.SetTag("spgd.attempt", item.Attempt);
        activity?.SetTag("spgd.silo", _siloName);
        activity?.SetTag("spgd.device", _options.Device);
        return activity;
    }

    private void Complete(WorkItem item, ItemRunOutcome result, double seconds, Activity? activity)
    {
        var outcome = new ItemOutcome
        {
            JobId = item.JobId, Index = item.Index, ItemId = item.ItemId, Task = item.Task, ImageId = item.ImageId,
            Run = item.Run, Attempt = item.Attempt, Silo = _siloName, Device = _options.Device ?? "", Method = item.Recipe?.Label ?? item.Point?.Label,
            Recipe = item.Recipe,
            Seconds = seconds,
        };
        outcome = result switch
        {
            { Result: { } r } => outcome with
            {
                Kind = OutcomeKind.Succeeded, Metrics = r.Metrics, NetworkEvaluations = r.NetworkEvaluations, Seed = r.Seed,
            },
            { Error: DeterministicItemException e } => outcome with { Kind = OutcomeKind.FailedDeterministic, Error = SecretRedaction.Redact(e.Message) },
            { Error: BlobStoreException e } => outcome with { Kind = OutcomeKind.FailedInfrastructure, Error = SecretRedaction.Redact($"storage: {e.Message}") },
            { Error: ItemDeadlineExceededException e } => outcome with { Kind = OutcomeKind.DeadlineExceeded, Error = e.Message },
            { Error: { } e } => outcome with { Kind = OutcomeKind.FailedTransient, Error = SecretRedaction.Redact($"{e.GetType().Name}: {e.Message}") },
            _ => outcome with { Kind = OutcomeKind.FailedTransient, Error = "The runner returned neither a result nor an error." },
        };
        if (outcome.Kind is OutcomeKind.FailedTransient or OutcomeKind.FailedInfrastructure or OutcomeKind.DeadlineExceeded)
            _logger.LogWarning(result.Error, "Item {Item} of job {Job} failed (attempt {Attempt})", item.ItemId, item.JobId, item.Attempt);

        activity?.SetTag("spgd.nfe", outcome.NetworkEvaluations);
        activity?.SetTag("spgd.outcome", outcome.Kind.ToString());
        var tags = SpgdTelemetry.ItemTags(item.JobId, item.Task, _options.Device);
        SpgdTelemetry.ItemLatency.Record(outcome.Seconds, tags);
        if (outcome.NetworkEvaluations > 0) SpgdTelemetry.NetworkEvaluations.Add(outcome.NetworkEvaluations, tags);
        if (outcome.Kind == OutcomeKind.Succeeded) SpgdTelemetry.ItemsCompleted.Add(1, tags);
        else SpgdTelemetry.ItemsFailed.Add(1, SpgdTelemetry.WithReason(tags, outcome.Kind == OutcomeKind.DeadlineExceeded ? "deadline"
            : outcome.Kind == OutcomeKind.FailedDeterministic ? "deterministic"
            : outcome.Kind == OutcomeKind.FailedInfrastructure ? "infrastructure" : "transient"));

        TrackFinishing(FinishAsync(item, outcome, result.Result?.Outputs));
    }

    // Runs off the device thread so the slot is free while storage and the job are slow: the outputs (all at once, so
    // their flushes overlap), then the record that marks the item done, then the report.
    private async Task FinishAsync(WorkItem item, ItemOutcome outcome, IReadOnlyList<ItemOutput>? outputs)
    {
        try
        {
            if (outcome.Kind == OutcomeKind.Succeeded && outputs is { Count: > 0 })
            {
                try
                {
                    await Task.WhenAll(outputs.Select(o => _store.PutAsync(o.Key, o.Content, cancellationToken: _stop.Token)));
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    // Storage, not the item: retried without spending an attempt.
                    outcome = outcome with { Kind = OutcomeKind.FailedInfrastructure, Error = $"writing the item's outputs failed: {e.Message}" };
                    _logger.LogWarning("Storage failed for item {Item} of job {Job} (attempt {Attempt}): {Error}", item.ItemId, item.JobId, item.Attempt, outcome.Error);
                }
            }
            if (outcome.Kind is OutcomeKind.Succeeded or OutcomeKind.FailedDeterministic)
            {
                try
                {
                    await _store.PutAsync(ItemKeys.ItemJson(item.JobId, item.ItemId),
                        JsonSerializer.SerializeToUtf8Bytes(outcome, ItemJson.Options), cancellationToken: _stop.Token);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    outcome = outcome with { Kind = OutcomeKind.FailedInfrastructure, Error = $"writing the item record failed: {e.Message}" };
                    _logger.LogWarning("Storage failed for item {Item} of job {Job} (attempt {Attempt}): {Error}", item.ItemId, item.JobId, item.Attempt, outcome.Error);
                }
            }

            var job = _grains.GetGrain<IJobGrain>(item.JobId);
            await _reportRetry.ExecuteAsync(async _ => await job.ReportAsync(outcome), _stop.Token);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not report item {Item} to job {Job}; its lease will expire", item.ItemId, item.JobId);
        }
        finally
        {
            _held.TryRemove(new KeyValuePair<(string, int), int>((item.JobId, item.Index), item.Attempt));
            _unwanted.TryRemove((item.JobId, item.Index, item.Attempt), out _);
        }
    }

    /// <summary>
    /// The job no longer wants these attempts (it was cancelled, or the item finished elsewhere): queued ones are skipped
    /// when their turn comes, and a running one stops before its next network evaluation (a batch once none of its items
    /// is wanted). Told by the job when it cancels (<see cref="SiloDeviceGrain"/>), or by its answer to a heartbeat.
    /// Returns how many of the attempts this device held.
    /// </summary>
    public int Unwanted(string jobId, IEnumerable<(int Index, int Attempt)> attempts)
    {
        var held = 0;
        foreach (var (index, attempt) in attempts)
        {
            if (!_held.TryGetValue((jobId, index), out var current) || current != attempt) continue;
            held++;
            _unwanted[(jobId, index, attempt)] = true;
            if (_runningBatches.TryGetValue((jobId, index, attempt), out var batch)) batch.CancelIfNoneWanted(_unwanted);
        }
        return held;
    }

    private async Task HeartbeatLoopAsync()
    {
        while (await DelayAsync(_options.HeartbeatInterval))
        {
            foreach (var job in _held.ToArray().GroupBy(kv => kv.Key.Job))
            {
                try
                {
                    var held = job.ToArray();
                    var unwanted = await _grains.GetGrain<IJobGrain>(job.Key).HeartbeatAsync(
                        held.Select(kv => kv.Key.Index).ToArray(), held.Select(kv => kv.Value).ToArray(), _siloKey);
                    var sent = held.ToDictionary(kv => kv.Key.Index, kv => kv.Value);
                    Unwanted(job.Key, unwanted.Where(sent.ContainsKey).Select(i => (i, sent[i])));
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    _logger.LogDebug(e, "Heartbeat to job {Job} failed", job.Key);
                }
            }
        }
    }

    private async Task PublishLoopAsync()
    {
        var registry = _grains.GetGrain<IDeviceRegistryGrain>(0);
        do
        {
            try
            {
                await registry.PublishAsync(new DeviceLoad
                {
                    Silo = _siloKey, Device = _options.Device!, Slots = _options.ItemSlots,
                    Running = Running, Queued = Queued, At = DateTimeOffset.UtcNow,
                });
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                _logger.LogDebug(e, "Publishing the device load failed");
            }
        }
        while (await DelayAsync(_options.PublishInterval));
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try { await Task.Delay(delay, _stop.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _gauges?.Dispose();
        // Device threads may still be waiting on the queue: cancel them, but leave the queue and token
        // source to the GC rather than dispose them under those threads.
        _accepting = false;
        _stop.Cancel();
    }
}
