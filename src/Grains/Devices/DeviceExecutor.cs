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
    private readonly ConcurrentDictionary<(string Job, int Index), int> _held = new();
    private readonly ConcurrentDictionary<(string Job, int Index, int Attempt), bool> _unwanted = new();
    // The running batch (often of one) each held attempt belongs to: cancelled once the jobs want none of its items.
    private readonly ConcurrentDictionary<(string Job, int Index, int Attempt), RunningBatch> _runningBatches = new();
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

    /// <summary>True when the silo has no device, or its device accepts work.</summary>
    public bool IsReady => !_options.HasDevice || _accepting;

    /// <summary>Items running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Items waiting for a slot.</summary>
    public int Queued => Volatile.Read(ref _queued);

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
        for (var i = 0; i < _options.Slots; i++)
        {
            var thread = new Thread(WorkLoop) { IsBackground = true, Name = $"spgd-device-{_options.Device}-{i}" };
            _threads.Add(thread);
            thread.Start();
        }

        _accepting = true;
        _gauges = SpgdTelemetry.TrackDevice(this);
        HeartbeatLoopAsync().Ignore();
        PublishLoopAsync().Ignore();
        _logger.LogInformation("Device {Device} ready with {Slots} slot(s), batches of up to {Batch}", _options.Device, _options.Slots,
            _batchRunner is null ? 1 : _options.MaxBatchSize);
        return Task.CompletedTask;
    }

    // A graceful stop hands queued items back to their jobs and lets running ones finish while the host
    // allows; a kill (cancelled token) just stops, and the jobs notice by the missing heartbeats.
    private async Task StopAsync(CancellationToken ct)
    {
        _accepting = false;
        _queue.CompleteAdding();
        if (!ct.IsCancellationRequested)
        {
            var released = new List<WorkItem>();
            while (_queue.TryTake(out var item))
            {
                lock (_gate) _queued--;
                released.Add(item);
            }

            await Task.WhenAll(released.Select(async item =>
            {
                try { await _grains.GetGrain<IJobGrain>(item.JobId).ReleaseAsync(item.Index, item.Attempt); }
                catch (Exception e) { _logger.LogWarning(e, "Could not hand {Item} back to job {Job}; its lease will expire", item.ItemId, item.JobId); }
                finally
                {
                    _held.TryRemove((item.JobId, item.Index), out _);
                    _parents.TryRemove((item.JobId, item.Index, item.Attempt), out _);
                }
            }));
            try
            {
                // Running items finish, and finished ones are written and reported, before the silo goes.
                while ((Running > 0 || Volatile.Read(ref _finishing) > 0) && !ct.IsCancellationRequested) await Task.Delay(100, ct);
            }
            catch (OperationCanceledException) { }
        }

        _stop.Cancel();
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
                lock (_gate) { _queued -= taken.Count; _running += taken.Count; }
                Interlocked.Increment(ref _busySlots);
                try
                {
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

                    if (live.Count > 0) Execute(live);
                }
                finally
                {
                    Interlocked.Decrement(ref _busySlots);
                    lock (_gate) _running -= taken.Count;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException) { }
    }

    // One item runs through IWorkItemRunner.Run; several (same batch key) through IBatchWorkItemRunner.RunBatch, which
    // returns each item's own outcome. Every item keeps its own span, outcome record and report.
    private void Execute(IReadOnlyList<WorkItem> items)
    {
        var activities = items.Select(StartItemActivity).ToArray();
        try
        {
            foreach (var activity in activities) activity?.SetTag("spgd.batch_size", items.Count);
            SpgdTelemetry.BatchSize.Record(items.Count);
            var clock = Stopwatch.StartNew();
            IReadOnlyList<ItemRunOutcome> results;
            using var batch = new RunningBatch(items, _stop.Token);
            foreach (var item in items) _runningBatches[(item.JobId, item.Index, item.Attempt)] = batch;
            try
            {
                results = items.Count == 1 ? [RunOne(items[0], batch.Token)] : _batchRunner!.RunBatch(items, _options.Device!, batch.Token);
                if (results.Count != items.Count)
                    throw new InvalidOperationException($"The runner returned {results.Count} outcomes for a batch of {items.Count}.");
            }
            catch (OperationCanceledException) when (batch.Token.IsCancellationRequested)
            {
                // Abandoned (the silo stops: the jobs re-dispatch the items when their leases lapse) or cancelled (the jobs
                // want none of them): the device is free at the sampler's next network evaluation, and nothing is reported.
                foreach (var activity in activities) activity?.SetTag("spgd.outcome", _stop.IsCancellationRequested ? "abandoned" : "cancelled");
                foreach (var item in items)
                {
                    _held.TryRemove((item.JobId, item.Index), out _);
                    _unwanted.TryRemove((item.JobId, item.Index, item.Attempt), out _);
                }
                if (!_stop.IsCancellationRequested) _logger.LogInformation("Cancelled {Count} running item(s) the jobs no longer want", items.Count);
                return;
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

            // Each item of a batch took the batch's time.
            var seconds = clock.Elapsed.TotalSeconds;
            for (var k = 0; k < items.Count; k++) Complete(items[k], results[k], seconds, activities[k]);
        }
        finally
        {
            // Spans end in reverse order of starting, so Activity.Current unwinds to what it was.
            for (var k = activities.Length - 1; k >= 0; k--) activities[k]?.Dispose();
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
            { Error: { } e } => outcome with { Kind = OutcomeKind.FailedTransient, Error = SecretRedaction.Redact($"{e.GetType().Name}: {e.Message}") },
            _ => outcome with { Kind = OutcomeKind.FailedTransient, Error = "The runner returned neither a result nor an error." },
        };
        if (outcome.Kind is OutcomeKind.FailedTransient or OutcomeKind.FailedInfrastructure)
            _logger.LogWarning(result.Error, "Item {Item} of job {Job} failed (attempt {Attempt})", item.ItemId, item.JobId, item.Attempt);

        activity?.SetTag("spgd.nfe", outcome.NetworkEvaluations);
        activity?.SetTag("spgd.outcome", outcome.Kind.ToString());
        SpgdTelemetry.ItemLatency.Record(outcome.Seconds, new KeyValuePair<string, object?>("spgd.task", item.Task));
        if (outcome.NetworkEvaluations > 0) SpgdTelemetry.NetworkEvaluations.Add(outcome.NetworkEvaluations);
        if (outcome.Kind == OutcomeKind.Succeeded) SpgdTelemetry.ItemsCompleted.Add(1);
        else SpgdTelemetry.ItemsFailed.Add(1);

        Interlocked.Increment(ref _finishing);
        FinishAsync(item, outcome, result.Result?.Outputs).ContinueWith(_ => Interlocked.Decrement(ref _finishing), TaskScheduler.Default).Ignore();
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
                        held.Select(kv => kv.Key.Index).ToArray(), held.Select(kv => kv.Value).ToArray());
                    // Queued items the job no longer needs (cancelled, finished elsewhere) are skipped when their turn comes.
                    foreach (var index in unwanted)
                    {
                        if (!_held.TryGetValue((job.Key, index), out var attempt)) continue;
                        _unwanted[(job.Key, index, attempt)] = true;
                        // Running already (a cancelled job, an item finished elsewhere): stop it between network evaluations.
                        if (_runningBatches.TryGetValue((job.Key, index, attempt), out var batch)) batch.CancelIfNoneWanted(_unwanted);
                    }
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

    /// <summary>The items one device call runs, with the token that stops it once none of them is wanted.</summary>
    private sealed class RunningBatch(IReadOnlyList<WorkItem> items, CancellationToken stop) : IDisposable
    {
        private readonly CancellationTokenSource _source = CancellationTokenSource.CreateLinkedTokenSource(stop);

        public CancellationToken Token => _source.Token;

        public void CancelIfNoneWanted(ConcurrentDictionary<(string Job, int Index, int Attempt), bool> unwanted)
        {
            if (items.All(i => unwanted.ContainsKey((i.JobId, i.Index, i.Attempt))))
            {
                try { _source.Cancel(); }
                catch (ObjectDisposedException) { } // the batch ended meanwhile
            }
        }

        public void Dispose() => _source.Dispose();
    }
}
