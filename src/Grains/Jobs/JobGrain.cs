using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Core.Restoration;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Datasets;
using Spgd.Grains.Devices;
using Spgd.Grains.Placement;
using Spgd.Storage;
using Spgd.Grains.Telemetry;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Runs a job: expands (task × image × run) into items, keeps at most a window of them in flight on
/// compute silos, renews leases from worker heartbeats, retries transient failures and silent items
/// with exponential back-off, records each finished item once with its task's aggregator, and writes
/// the evaluation table at the end. Progress is persisted, and a timer (restarted by any re-activation,
/// which a reminder guarantees) resumes the job after its silo dies without redoing finished items.
/// Finished items are replaced as their reports arrive (a refill), so devices do not wait for the timer;
/// the timer is the safety net for retries, lost silos and expired leases.
/// </summary>
[ControlPlanePlacement]
internal sealed class JobGrain(
    [PersistentState("job-definition", SpgdStorage.GrainStorageName)] IPersistentState<JobDefinitionState> definitionState,
    [PersistentState("job-progress", SpgdStorage.GrainStorageName)] IPersistentState<JobProgressState> progressState,
    IOptions<JobOptions> options,
    IBlobStore store,
    ILocalSiloDetails silo,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private readonly JobOptions _options = options.Value;
    private readonly Dictionary<int, Lease> _leases = new();
    private readonly Dictionary<int, DateTime> _retryAt = new();
    // Silos whose reports freed a place since the last dispatch (at most a window's worth): each new item is
    // placed on one of them, so the silo that finishes gets the next item however stale the published loads are.
    private readonly Queue<string> _freedOn = new();
    private IGrainTimer? _timer;
    private IGrainTimer? _refill;
    private bool _refillArmed;
    private int _cursor;
    private int _window;
    private DateTime _windowRefreshedAt;

    private readonly record struct Lease(int Attempt, DateTime Expires);

    private bool _dirty;

    private JobDefinitionState D => definitionState.State;
    private JobProgressState S => progressState.State;
    private string JobId => this.GetPrimaryKeyString();
    private int ItemCount => S.Status.Length;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.State == JobState.Running)
        {
            // Workers that still hold items keep them: a fresh lease gives their heartbeats time to arrive.
            var expires = DateTime.UtcNow + _options.LeaseTimeout;
            for (var i = 0; i < ItemCount; i++)
                if (S.Status[i] == (byte)ItemState.Dispatched) _leases[i] = new Lease(S.Attempts[i], expires);
            logger.LogInformation("Job {Job} resumed: {Finished}/{Total} finished, {InFlight} in flight",
                JobId, CountFinished(), ItemCount, _leases.Count);
            StartTimer();
            ArmRefill();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> SubmitAsync(JobDefinition definition)
    {
        JobIds.ThrowIfInvalid(JobId); // before anything is stored under the id
        if (D.Definition is not null)
        {
            if (!JobSpecIdentity.Same(D.Definition, definition))
                throw new ArgumentException($"Job '{JobId}' already exists with a different spec; submit it under another id.");
            return await GetStatusAsync(); // the same job again: attach to it
        }
        if (definition.Tasks.Count == 0) throw new ArgumentException($"Job '{JobId}' has no tasks.");
        if (definition.Runs < 1) throw new ArgumentException($"Job '{JobId}' needs at least one run, got {definition.Runs}.");

        D.SubmittedAt = DateTimeOffset.UtcNow;
        Evaluation.Manifests.DatasetManifest? manifest = null;
        try
        {
            definition = Validate(definition);
            D.Definition = definition;
            var images = DatasetCatalog.List(definition.Dataset);
            D.ImageIds = images.Select(i => i.Id).ToArray();
            D.ImageSources = images.Select(i => i.Source).ToArray();
            var count = (long)(definition.Grid?.Count ?? 1) * definition.Tasks.Count * images.Count * definition.Runs;
            if (count > 5_000_000) throw new ArgumentException($"Job '{JobId}' expands to {count} items; at most 5,000,000 are supported.");
            S.Status = new byte[count];
            S.Attempts = new byte[count];
            manifest = await JobManifest.BuildAsync(definition, images, Seeds(), store);
            D.ManifestDigest = manifest.Digest;
            S.State = JobState.Running;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            D.Definition ??= definition;
            S.State = JobState.Failed;
            S.Error = e.Message;
            S.FinishedAt = DateTimeOffset.UtcNow;
        }

        await definitionState.WriteStateAsync();
        await progressState.WriteStateAsync();
        await GrainFactory.GetGrain<IJobIndexGrain>(0).AddAsync(JobId, D.SubmittedAt);
        if (S.State == JobState.Running)
        {
            await store.PutAsync(ItemKeys.Manifest(JobId), Evaluation.Manifests.ManifestJson.ToUtf8(manifest!));
            await WriteJobFilesAsync();
            await TryRegisterReminderAsync();
            StartTimer();
            ArmRefill(); // the first items go out now, not one dispatch interval later
            logger.LogInformation("Job {Job} submitted: {Items} items over {Images} images", JobId, ItemCount, D.ImageIds.Length);
        }

        return BuildStatus();
    }

    // Fails fast on settings every item would reject; task names become canonical so seeds and keys are stable.
    private static JobDefinition Validate(JobDefinition definition)
    {
        var tasks = definition.Tasks.Select(t => t with { Name = Core.Operators.TaskNames.Normalize(t.Name) }).ToList();
        var duplicate = tasks.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Task {duplicate.Key} is listed twice.");
        foreach (var task in tasks) Restoration.CoreSettings.ToOperator(task);
        Restoration.CoreSettings.ToSampler(definition.Sampler);
        foreach (var task in tasks.Where(t => t.Sampler is not null)) Restoration.CoreSettings.ToSampler(task.Sampler!);
        foreach (var task in tasks.Where(t => t.BestOf is not null))
            if (task.BestOf is < 1 || task.BestOf > definition.Runs)
                throw new ArgumentException($"Task {task.Name}: best_of {task.BestOf} needs 1 <= K <= runs ({definition.Runs}).");
        if (definition.Grid is { } grid)
        {
            if (grid.Count == 0) throw new ArgumentException("The sweep's grid has no points.");
            if (grid.Select(p => p.Key).Distinct().Count() != grid.Count) throw new ArgumentException("Two grid points share a storage key.");
            foreach (var point in grid)
                foreach (var task in tasks)
                    Sweeps.GridPointOptions.ToSpgdOptions(point, Restoration.CoreSettings.ToSampler(task.Sampler ?? definition.Sampler));
        }
        // The spec validator's bounds hold for every job however it arrives (flags, spec file, API): one absurd
        // number would otherwise hold a device for years or allocate gigabytes per item.
        if (definition.Dataset.Size is < JobSpecValidator.MinImageSize or > JobSpecValidator.MaxImageSize)
            throw new ArgumentException($"Image size {definition.Dataset.Size} is out of range: expected {JobSpecValidator.MinImageSize}..{JobSpecValidator.MaxImageSize} pixels.");
        foreach (var (sampler, where) in tasks.Where(t => t.Sampler is not null).Select(t => (t.Sampler!, $" of task {t.Name}")).Prepend((definition.Sampler, "")))
        {
            if (sampler.Steps is < 1 or > JobSpecValidator.MaxSteps)
                throw new ArgumentException($"Sampler steps{where} {sampler.Steps} is out of range: expected 1..{JobSpecValidator.MaxSteps}.");
            if (sampler.Warmup is < 1 or > JobSpecValidator.MaxWarmup)
                throw new ArgumentException($"Sampler warmup{where} {sampler.Warmup} is out of range: expected 1..{JobSpecValidator.MaxWarmup}.");
        }
        if (definition.Runs > JobSpecValidator.MaxRuns)
            throw new ArgumentException($"Runs {definition.Runs} is out of range: expected 1..{JobSpecValidator.MaxRuns}.");
        if (definition.Dataset.Kind == DatasetKind.SpectralDemo && definition.Dataset.Count > JobSpecValidator.MaxBuiltinCount)
            throw new ArgumentException($"Demo images {definition.Dataset.Count} is out of range: expected 1..{JobSpecValidator.MaxBuiltinCount}.");
        return definition with { Tasks = tasks };
    }

    // Observers only ever see persisted progress: what they see finished stays finished after a crash.
    public async Task<JobStatus> GetStatusAsync()
    {
        await FlushAsync();
        return BuildStatus();
    }

    public async Task<IReadOnlyList<ItemStatus>> GetItemsAsync()
    {
        await FlushAsync();
        var items = new ItemStatus[ItemCount];
        for (var i = 0; i < items.Length; i++) items[i] = new ItemStatus(ItemIdOf(i), (ItemState)S.Status[i], S.Attempts[i]);
        return items;
    }

    public async Task ReportAsync(ItemOutcome outcome)
    {
        if (S.State != JobState.Running) return;
        var i = outcome.Index;
        if (i < 0 || i >= ItemCount || ItemIdOf(i) != outcome.ItemId)
        {
            logger.LogWarning("Job {Job} ignored a report for unknown item {Item} (#{Index})", JobId, outcome.ItemId, i);
            return;
        }

        var current = (ItemState)S.Status[i];
        if (current is ItemState.Succeeded or ItemState.Failed) return;

        ItemOutcome? final = outcome.Kind switch
        {
            OutcomeKind.Succeeded or OutcomeKind.FailedDeterministic => outcome,
            _ when outcome.Attempt != S.Attempts[i] => null, // a stale attempt's failure: a newer one is under way
            _ when S.Attempts[i] >= _options.MaxAttempts => outcome with { Error = $"failed {S.Attempts[i]} attempts; last: {outcome.Error}" },
            _ => null,
        };

        if (final is not null)
        {
            if (final.Kind == OutcomeKind.FailedTransient) await WriteItemRecordAsync(final);
            S.Status[i] = (byte)(final.Kind == OutcomeKind.Succeeded ? ItemState.Succeeded : ItemState.Failed);
            _leases.Remove(i);
            _retryAt.Remove(i);
            // Not after transient failures: a silo that fails fast must not attract every item.
            if (final.Kind != OutcomeKind.FailedTransient) NoteFreed(outcome.Silo);
            await TryAggregateAsync(final);
        }
        else if (outcome.Kind == OutcomeKind.FailedTransient && outcome.Attempt == S.Attempts[i])
        {
            PutBack(i, DateTime.UtcNow);
        }
        else
        {
            return;
        }

        // Persisted by the next refill or tick, not per report: a job of 20,000 items would otherwise rewrite
        // its state 20,000 times. A crash in between re-runs those few items.
        _dirty = true;
        RequestRefill();
        await TryFinishAsync();
    }

    public Task<int[]> HeartbeatAsync(int[] indices, int[] attempts)
    {
        if (S.State != JobState.Running) return Task.FromResult(indices);
        var unwanted = new List<int>();
        var expires = DateTime.UtcNow + _options.LeaseTimeout;
        for (var k = 0; k < indices.Length && k < attempts.Length; k++)
        {
            var i = indices[k];
            if (i < 0 || i >= ItemCount) continue;
            if (attempts[k] != S.Attempts[i]) { unwanted.Add(i); continue; }
            switch ((ItemState)S.Status[i])
            {
                case ItemState.Dispatched:
                    _leases[i] = new Lease(attempts[k], expires);
                    break;
                case ItemState.Pending:
                    // The lease ran out but the worker is alive: take the item back rather than run it twice.
                    S.Status[i] = (byte)ItemState.Dispatched;
                    _retryAt.Remove(i);
                    _leases[i] = new Lease(attempts[k], expires);
                    _dirty = true;
                    break;
                default:
                    unwanted.Add(i);
                    break;
            }
        }

        return Task.FromResult(unwanted.ToArray());
    }

    public Task ReleaseAsync(int index, int attempt)
    {
        if (S.State != JobState.Running || index < 0 || index >= ItemCount) return Task.CompletedTask;
        if (S.Status[index] != (byte)ItemState.Dispatched || S.Attempts[index] != attempt) return Task.CompletedTask;
        S.Status[index] = (byte)ItemState.Pending;
        S.Attempts[index]--;
        _leases.Remove(index);
        _retryAt.Remove(index);
        _cursor = Math.Min(_cursor, index);
        _dirty = true;
        return Task.CompletedTask;
    }

    public async Task CancelAsync()
    {
        if (S.State != JobState.Running) return;
        S.State = JobState.Cancelled;
        S.FinishedAt = DateTimeOffset.UtcNow;
        await progressState.WriteStateAsync();
        _dirty = false;
        StopTimer();
        await TryUnregisterReminderAsync();
        try { await WriteReportsAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: writing the partial reports of a cancelled job failed", JobId); }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being called is the point: it re-activates a job whose silo died, and activation restarts the timer.
        if (S.State != JobState.Running) await TryUnregisterReminderAsync();
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (S.State != JobState.Running) { StopTimer(); return; }
        var now = DateTime.UtcNow;
        _dirty |= await ExpireLeasesAsync(now);
        _dirty |= await DispatchAsync(now);
        await FlushAsync();
        await TryFinishAsync();
        SpgdTelemetry.SetBacklog(JobId, S.State == JobState.Running ? S.Status.Count(b => b == (byte)ItemState.Pending) : null);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SpgdTelemetry.SetBacklog(JobId, null); // the silo that activates it next reports it
        return Task.CompletedTask;
    }

    // A report freed a place in the window: refill it now rather than on the next tick, so the silo that has
    // just started its queued item gets the next one before it finishes. The refill waits until a few places
    // are free (RefillFraction of the window), so one state write covers several dispatches, and it runs as
    // the grain's next turn, so the report returns at once and reports already queued join the same batch.
    private void RequestRefill()
    {
        if (_refillArmed || _window == 0 || S.State != JobState.Running) return;
        if (_window - _leases.Count >= RefillThreshold) ArmRefill();
    }

    private void ArmRefill()
    {
        _refill ??= this.RegisterGrainTimer(RefillAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        _refill.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        _refillArmed = true;
    }

    private void NoteFreed(string silo)
    {
        if (string.IsNullOrEmpty(silo)) return;
        _freedOn.Enqueue(silo);
        while (_freedOn.Count > Math.Max(1, _window)) _freedOn.Dequeue();
    }

    private int RefillThreshold => Math.Max(1, (int)Math.Ceiling(_window * _options.RefillFraction));

    private async Task RefillAsync(CancellationToken cancellationToken)
    {
        _refillArmed = false;
        if (S.State != JobState.Running) return;
        _dirty |= await DispatchAsync(DateTime.UtcNow);
    }

    private async Task<bool> ExpireLeasesAsync(DateTime now)
    {
        var expired = _leases.Where(kv => kv.Value.Expires < now).Select(kv => kv.Key).ToList();
        if (expired.Count > 0) SpgdTelemetry.LeasesExpired.Add(expired.Count, new KeyValuePair<string, object?>(SpgdTelemetry.JobTag, JobId));
        foreach (var i in expired)
        {
            _leases.Remove(i);
            if (S.Attempts[i] >= _options.MaxAttempts)
            {
                var (task, image, run, point) = Decompose(i);
                var lost = new ItemOutcome
                {
                    JobId = JobId, Index = i, ItemId = ItemIdOf(i), Task = task, ImageId = D.ImageIds[image], Run = run, Method = point?.Label,
                    Attempt = S.Attempts[i], Kind = OutcomeKind.FailedTransient,
                    Error = $"lost {S.Attempts[i]} times: no report or heartbeat within {_options.LeaseTimeout.TotalSeconds:0.#} s",
                };
                await WriteItemRecordAsync(lost);
                S.Status[i] = (byte)ItemState.Failed;
                await TryAggregateAsync(lost);
            }
            else
            {
                logger.LogInformation("Job {Job}: item {Item} attempt {Attempt} went silent; dispatching it again", JobId, ItemIdOf(i), S.Attempts[i]);
                PutBack(i, now);
            }
        }

        return expired.Count > 0;
    }

    private void PutBack(int i, DateTime now)
    {
        S.Status[i] = (byte)ItemState.Pending;
        _leases.Remove(i);
        _retryAt[i] = now + _options.RetryDelay(S.Attempts[i] + 1);
        _cursor = Math.Min(_cursor, i);
        S.Retries++;
        SpgdTelemetry.ItemsRetried.Add(1, new KeyValuePair<string, object?>(SpgdTelemetry.JobTag, JobId));
    }

    private async Task<bool> DispatchAsync(DateTime now)
    {
        var window = await GetWindowAsync(now);
        var batch = new List<WorkItem>();
        while (_cursor < ItemCount && S.Status[_cursor] != (byte)ItemState.Pending) _cursor++;
        for (var i = _cursor; i < ItemCount && _leases.Count + batch.Count < window; i++)
        {
            if (S.Status[i] != (byte)ItemState.Pending) continue;
            if (_retryAt.TryGetValue(i, out var at) && at > now) continue;
            batch.Add(BuildItem(i, S.Attempts[i] + 1));
        }

        if (batch.Count == 0) return false;
        foreach (var item in batch)
        {
            S.Attempts[item.Index] = (byte)item.Attempt;
            S.Status[item.Index] = (byte)ItemState.Dispatched;
            _retryAt.Remove(item.Index);
            _leases[item.Index] = new Lease(item.Attempt, now + _options.LeaseTimeout);
        }

        // Persist the attempt counts before starting anything, so a crash cannot hand out an attempt twice.
        _dirty = true;
        await FlushAsync();
        var accepted = await Task.WhenAll(batch.Select(item => StartAsync(item, _freedOn.TryDequeue(out var silo) ? silo : null)));
        var rejected = 0;
        for (var k = 0; k < batch.Count; k++)
        {
            if (accepted[k]) continue;
            // Not placed or queue full: not the item's fault, so the attempt is not spent. The next refill (a slot
            // freed somewhere) or tick tries it again.
            var i = batch[k].Index;
            S.Attempts[i]--;
            S.Status[i] = (byte)ItemState.Pending;
            _leases.Remove(i);
            _cursor = Math.Min(_cursor, i);
            rejected++;
        }

        return rejected > 0;
    }

    private async Task<bool> StartAsync(WorkItem item, string? preferredSilo)
    {
        // Opens the item's part of the job's trace; the grain call carries it to the compute silo.
        using var activity = SpgdTelemetry.Source.StartActivity("spgd.dispatch", ActivityKind.Producer, SpgdTelemetry.JobContext(JobId));
        activity?.SetTag("spgd.job", JobId);
        activity?.SetTag("spgd.item", item.ItemId);
        activity?.SetTag("spgd.attempt", item.Attempt);
        // Set inside this async method, so the hint travels with this one call only.
        if (preferredSilo is not null) RequestContext.Set(PlacementHints.PreferredSilo, preferredSilo);
        try
        {
            return await GrainFactory.GetGrain<IRestorationGrain>($"{item.JobId}/{item.ItemId}#{item.Attempt}").StartAsync(item);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Job {Job}: could not start {Item}", JobId, item.ItemId);
            return false;
        }
    }

    private async Task<int> GetWindowAsync(DateTime now)
    {
        if (now - _windowRefreshedAt < TimeSpan.FromSeconds(2) && _window > 0) return _window;
        try
        {
            var loads = await GrainFactory.GetGrain<IDeviceRegistryGrain>(0).GetLoadsAsync();
            _window = _options.WindowPerSlot * loads.Sum(l => l.Slots);
            _windowRefreshedAt = now;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Job {Job}: device registry unavailable", JobId);
        }

        return _window;
    }

    private async Task TryFinishAsync()
    {
        if (S.State != JobState.Running) return;
        // Cheap checks first (this runs on every report): an item in flight holds a lease, and no item below
        // the cursor is pending.
        if (_leases.Count > 0) return;
        while (_cursor < ItemCount && S.Status[_cursor] != (byte)ItemState.Pending) _cursor++;
        if (_cursor < ItemCount) return;
        for (var i = 0; i < ItemCount; i++)
            if (S.Status[i] is (byte)ItemState.Pending or (byte)ItemState.Dispatched) return;

        try
        {
            // Aggregators persist lazily; anything they lost is restored from the items' records first.
            if (!await ReconcileAggregatesAsync()) return;
            await WriteReportsAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: writing the final reports failed; retrying on the next tick", JobId);
            return;
        }

        var failed = S.Status.Count(b => b == (byte)ItemState.Failed);
        S.State = failed == 0 ? JobState.Completed : failed == ItemCount ? JobState.Failed : JobState.CompletedWithFailures;
        if (S.State == JobState.Failed) S.Error = "every item failed (reasons in the task summaries)";
        S.FinishedAt = DateTimeOffset.UtcNow;
        await progressState.WriteStateAsync();
        _dirty = false;
        StopTimer();
        await TryUnregisterReminderAsync();
        logger.LogInformation("Job {Job} ended {State}: {Failed} of {Total} items failed", JobId, S.State, failed, ItemCount);
    }

    private async Task WriteReportsAsync()
    {
        var definition = D.Definition!;
        var rows = new List<(string Method, IReadOnlyList<TaskSummary> Summaries)>();
        foreach (var point in (IReadOnlyList<Contracts.Sweeps.GridPoint?>?)definition.Grid ?? [null])
        {
            var summaries = new List<TaskSummary>();
            foreach (var task in definition.Tasks) summaries.Add(await AggregatorOf(task.Name, point).WriteReportsAsync(D.ManifestDigest, task.BestOf));
            rows.Add((point?.Label ?? MethodLabel(definition), summaries));
        }

        var table = EvaluationTable.Build(definition.Dataset.Label, rows) with { ManifestDigest = D.ManifestDigest };
        await store.PutAsync(ItemKeys.EvaluationMarkdown(JobId), Encoding.UTF8.GetBytes(table.ToMarkdown()));
        await store.PutAsync(ItemKeys.EvaluationJson(JobId), JsonSerializer.SerializeToUtf8Bytes(table, ItemJson.Options));
    }

    // Every item's seed, for the manifest: the same image, task and run get the same seed at every grid point.
    private Dictionary<string, ulong> Seeds()
    {
        var seeds = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var i = 0; i < ItemCount; i++)
        {
            var (task, image, run, _) = Decompose(i);
            seeds[ItemIdOf(i)] = ItemSeed.Derive(D.Definition!.Seed, D.ImageIds[image], task, run);
        }

        return seeds;
    }

    // For reports and reproduction; a failure here costs the report some context, not the job.
    private async Task WriteJobFilesAsync()
    {
        try
        {
            IReadOnlyList<Contracts.Devices.DeviceLoad> devices = [];
            try { devices = await GrainFactory.GetGrain<IDeviceRegistryGrain>(0).GetLoadsAsync(); }
            catch (Exception e) { logger.LogDebug(e, "Job {Job}: device registry unavailable for facts.json", JobId); }
            foreach (var (name, content) in JobFolderFiles.Build(D.Definition!, MethodLabel(D.Definition!), devices))
                await store.PutAsync(ItemKeys.JobFile(JobId, name), content);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: writing spec/grid/facts files failed", JobId);
        }
    }

    private static string MethodLabel(JobDefinition d) =>
        d.Sampler.Preset == "paper" ? d.Method : $"{d.Method} ({d.Sampler.Preset})";

    private IAggregatorGrain AggregatorOf(string task, Contracts.Sweeps.GridPoint? point) =>
        GrainFactory.GetGrain<IAggregatorGrain>(AggregatorKeys.Of(JobId, task, point?.Key));

    // Items are ordered (task, grid point, image, run): each table cell (task, point) is one contiguous block.
    private int PointCount => D.Definition!.Grid?.Count ?? 1;

    private int CellSize => D.ImageIds.Length * D.Definition!.Runs;

    private (string Task, int Image, int Run, Contracts.Sweeps.GridPoint? Point) Decompose(int index)
    {
        var runs = D.Definition!.Runs;
        var images = D.ImageIds.Length;
        var run = index % runs;
        var image = index / runs % images;
        var cell = index / runs / images;
        return (D.Definition.Tasks[cell / PointCount].Name, image, run, D.Definition.Grid?[cell % PointCount]);
    }

    private string ItemIdOf(int index)
    {
        var (task, image, run, point) = Decompose(index);
        return point is null
            ? ItemKeys.ItemId(task, D.ImageIds[image], run)
            : new Contracts.Sweeps.SweepItem(point, D.ImageIds[image], task, run).ItemId;
    }

    private WorkItem BuildItem(int index, int attempt)
    {
        var (task, image, run, point) = Decompose(index);
        return new WorkItem(JobId, index, ItemIdOf(index), task, D.ImageIds[image], image,
            D.ImageSources[image], run, attempt, D.Definition!, point);
    }

    private async Task FlushAsync()
    {
        if (!_dirty) return;
        await progressState.WriteStateAsync();
        _dirty = false;
    }

    // The aggregator is a view: if this fails, the final reconciliation restores the item from its record.
    private async Task TryAggregateAsync(ItemOutcome outcome)
    {
        try { await AggregatorOf(outcome.Task, Decompose(outcome.Index).Point).RecordAsync(outcome); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: aggregating {Item} failed; reconciled at the end", JobId, outcome.ItemId); }
    }

    // Workers write the records of successes and deterministic failures; the job writes those of failures it declares.
    private Task WriteItemRecordAsync(ItemOutcome outcome) =>
        store.PutAsync(ItemKeys.ItemJson(JobId, outcome.ItemId), JsonSerializer.SerializeToUtf8Bytes(outcome, ItemJson.Options));

    /// <summary>
    /// Makes every aggregator hold every finished item of its task, reading missing ones from their item
    /// records. An item whose record is gone is run again. False when that happened (the job goes on).
    /// </summary>
    private async Task<bool> ReconcileAggregatesAsync()
    {
        var requeued = false;
        var perCell = CellSize;
        for (var c = 0; c < ItemCount / perCell; c++)
        {
            var (task, _, _, point) = Decompose(c * perCell);
            var aggregator = AggregatorOf(task, point);
            var recorded = (await aggregator.GetRecordedIdsAsync()).ToHashSet(StringComparer.Ordinal);
            if (recorded.Count == perCell) continue;
            var restored = new List<ItemOutcome>();
            for (var i = c * perCell; i < (c + 1) * perCell; i++)
            {
                var id = ItemIdOf(i);
                if (recorded.Contains(id)) continue;
                var bytes = (await store.GetAsync(ItemKeys.ItemJson(JobId, id)))?.Content;
                var outcome = bytes is null ? null : JsonSerializer.Deserialize<ItemOutcome>(bytes, ItemJson.Options);
                if (outcome is null)
                {
                    logger.LogWarning("Job {Job}: the record of finished item {Item} is missing; running it again", JobId, id);
                    S.Status[i] = (byte)ItemState.Pending;
                    _cursor = Math.Min(_cursor, i);
                    _dirty = requeued = true;
                    continue;
                }

                restored.Add(outcome);
            }

            if (restored.Count > 0)
            {
                logger.LogInformation("Job {Job}: restored {Count} aggregate record(s) of {Task} {Point} from item records", JobId, restored.Count, task, point?.Label);
                await aggregator.RecordManyAsync(restored);
            }
        }

        return !requeued;
    }

    private int CountFinished() => S.Status.Count(b => b is (byte)ItemState.Succeeded or (byte)ItemState.Failed);

    private JobStatus BuildStatus()
    {
        int succeeded = 0, failed = 0, inFlight = 0;
        foreach (var b in S.Status)
        {
            switch ((ItemState)b)
            {
                case ItemState.Succeeded: succeeded++; break;
                case ItemState.Failed: failed++; break;
                case ItemState.Dispatched: inFlight++; break;
            }
        }

        return new JobStatus
        {
            JobId = JobId, State = D.Definition is null ? JobState.Unknown : S.State, Total = ItemCount,
            Succeeded = succeeded, Failed = failed, InFlight = inFlight, Retries = S.Retries,
            SubmittedAt = D.SubmittedAt, FinishedAt = S.FinishedAt, Error = S.Error,
            Dataset = D.Definition?.Dataset.Label ?? "", Silo = silo.Name,
        };
    }

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(TickAsync,
            new GrainTimerCreationOptions(_options.DispatchInterval, _options.DispatchInterval) { KeepAlive = true });

    private void StopTimer()
    {
        SpgdTelemetry.SetBacklog(JobId, null); // an ended job has no backlog to scale on
        _timer?.Dispose();
        _timer = null;
        _refill?.Dispose();
        _refill = null;
        _refillArmed = false;
    }

    private async Task TryRegisterReminderAsync()
    {
        try { await this.RegisterOrUpdateReminder(ResumeReminder, _options.ReminderPeriod, _options.ReminderPeriod); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: no reminder service; resuming relies on worker reports", JobId); }
    }

    private async Task TryUnregisterReminderAsync()
    {
        try
        {
            var reminder = await this.GetReminder(ResumeReminder);
            if (reminder is not null) await this.UnregisterReminder(reminder);
        }
        catch (Exception e) { logger.LogDebug(e, "Job {Job}: reminder not removed", JobId); }
    }
}
