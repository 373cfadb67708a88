using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Datasets;
using Spgd.Grains.Placement;
using Spgd.Storage;
using Spgd.Grains.Telemetry;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Runs a job: a thin shell over its <see cref="ItemLedger"/> (which says what each event does to an item) that
/// persists it, times it and talks to the cluster. Items go out within a window of compute slots, finished items are
/// replaced as their reports arrive (a refill), and a timer (restarted by any re-activation, which a reminder
/// guarantees) is the safety net for retries, lost silos and expired leases. Progress is persisted, so a job resumes
/// after its silo dies without redoing finished items.
/// </summary>
[ControlPlanePlacement]
internal sealed class JobGrain(
    [PersistentState("job-definition", SpgdStorage.GrainStorageName)] IPersistentState<JobDefinitionState> definitionState,
    [PersistentState("job-progress", SpgdStorage.GrainStorageName)] IPersistentState<JobProgressState> progressState,
    IOptions<JobOptions> options, IBlobStore store, ILocalSiloDetails silo, IClusterMembershipService membership,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private readonly JobOptions _options = options.Value;
    private readonly DispatchWindow _window = new(options.Value);
    private ItemLedger _ledger = new([], [], LedgerPolicy.From(options.Value));
    private IGrainTimer? _timer, _refill;
    private bool _refillArmed, _dirty;

    private JobDefinitionState D => definitionState.State;
    private JobProgressState S => progressState.State;
    private string JobId => this.GetPrimaryKeyString();
    private JobItemIndex Items => JobItemIndex.Of(JobId, D);
    private JobReports Reports => new(JobId, D, GrainFactory, store, logger);
    private ComputeSilos Silos => new(GrainFactory, membership, logger);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = ItemLedger.Restore(S.Status, S.Attempts, LedgerPolicy.From(_options), S.Retries, DateTime.UtcNow);
        if (S.State != JobState.Running) return Task.CompletedTask;
        logger.LogInformation("Job {Job} resumed: {Status}", JobId, BuildStatus());
        StartTimer();
        ArmRefill();
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
        D.SubmittedAt = DateTimeOffset.UtcNow;
        Evaluation.Manifests.DatasetManifest? manifest = null;
        try
        {
            D.Definition = definition = JobDefinitionChecks.Validate(JobId, definition);
            var images = DatasetCatalog.List(definition.Dataset);
            D.ImageIds = images.Select(i => i.Id).ToArray();
            D.ImageSources = images.Select(i => i.Source).ToArray();
            var count = Items.Count;
            if (count > 5_000_000) throw new ArgumentException($"Job '{JobId}' expands to {count} items; at most 5,000,000 are supported.");
            S.Status = new byte[count];
            S.Attempts = new byte[count];
            _ledger = new ItemLedger(S.Status, S.Attempts, LedgerPolicy.From(_options));
            manifest = await JobManifest.BuildAsync(definition, images, Items.Seeds(), store);
            D.ManifestDigest = manifest.Digest;
            S.State = JobState.Running;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            D.Definition ??= definition;
            (S.State, S.Error, S.FinishedAt) = (JobState.Failed, e.Message, DateTimeOffset.UtcNow);
        }

        await definitionState.WriteStateAsync();
        await progressState.WriteStateAsync();
        await GrainFactory.GetGrain<IJobIndexGrain>(0).AddAsync(JobId, D.SubmittedAt);
        if (S.State == JobState.Running)
        {
            await store.PutAsync(ItemKeys.Manifest(JobId), Evaluation.Manifests.ManifestJson.ToUtf8(manifest!));
            await Reports.WriteJobFilesAsync();
            await ResumeReminder.TryRegisterAsync(this, _options.ReminderPeriod, logger);
            StartTimer();
            ArmRefill(); // the first items go out now, not one dispatch interval later
            logger.LogInformation("Job {Job} submitted: {Items} items over {Images} images", JobId, _ledger.Count, D.ImageIds.Length);
        }

        return BuildStatus();
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
        var items = Items;
        return Enumerable.Range(0, _ledger.Count)
            .Select(i => new ItemStatus(items.ItemIdOf(i), _ledger.StatusOf(i), _ledger.AttemptsOf(i)) { Holder = _ledger.HolderOf(i) }).ToList();
    }

    public async Task ReportAsync(ItemOutcome outcome)
    {
        if (S.State != JobState.Running) return;
        var i = outcome.Index;
        if (i < 0 || i >= _ledger.Count || Items.ItemIdOf(i) != outcome.ItemId)
        {
            logger.LogWarning("Job {Job} ignored a report for unknown item {Item} (#{Index})", JobId, outcome.ItemId, i);
            return;
        }

        var change = _ledger.Report(i, outcome.Attempt, outcome.Kind, DateTime.UtcNow);
        if (change == LedgerChange.None) return;
        // Not after failures: a silo that fails fast must not attract every item.
        if (change == LedgerChange.Succeeded || outcome.Kind == OutcomeKind.FailedDeterministic) _window.Freed(outcome.Silo);
        await ApplyAsync(i, change, change == LedgerChange.FailedDeclared
            ? outcome with { Error = $"failed {outcome.Attempt} attempts; last: {outcome.Error}" }
            : outcome);
        // Persisted by the next refill or tick, not per report: a job of 20,000 items would otherwise rewrite its state
        // 20,000 times. A crash in between re-runs those few items.
        RequestRefill();
        await TryFinishAsync();
    }

    public Task<int[]> HeartbeatAsync(int[] indices, int[] attempts)
    {
        if (S.State != JobState.Running) return Task.FromResult(indices);
        var now = DateTime.UtcNow;
        var unwanted = new List<int>();
        for (var k = 0; k < indices.Length && k < attempts.Length; k++)
        {
            if (!_ledger.Heartbeat(indices[k], attempts[k], now, out var takenBack)) unwanted.Add(indices[k]);
            _dirty |= takenBack;
        }
        return Task.FromResult(unwanted.ToArray());
    }

    public Task ReleaseAsync(int index, int attempt)
    {
        if (S.State == JobState.Running) _dirty |= _ledger.NotStarted(index, attempt);
        return Task.CompletedTask;
    }

    public async Task CancelAsync()
    {
        if (S.State != JobState.Running) return;
        var inFlight = _ledger.Cancel();
        (S.State, S.FinishedAt) = (JobState.Cancelled, DateTimeOffset.UtcNow);
        await FlushAsync(force: true);
        StopTimers();
        await ResumeReminder.TryUnregisterAsync(this, logger);
        logger.LogInformation("Job {Job} cancelled with {InFlight} items in flight (their workers stop at their next heartbeat)", JobId, inFlight);
        try { await Reports.WriteFinalAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: writing the partial reports of a cancelled job failed", JobId); }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being called is the point: it re-activates a job whose silo died, and activation restarts the timer.
        if (S.State != JobState.Running) await ResumeReminder.TryUnregisterAsync(this, logger);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (S.State != JobState.Running) { StopTimers(); return; }
        var now = DateTime.UtcNow;
        var lost = _ledger.ExpireLeases(now).ToList();
        SpgdTelemetry.CountLost(JobId, lost.Count, "lease_expired");
        foreach (var holder in _ledger.Holders().Where(Silos.IsDead))
        {
            var ofSilo = _ledger.SiloLost(holder, now);
            SpgdTelemetry.CountLost(JobId, ofSilo.Count, "silo_lost");
            lost.AddRange(ofSilo);
        }
        foreach (var (i, change) in lost)
            await ApplyAsync(i, change, Items.DeclaredFailure(i, _ledger.AttemptsOf(i),
                $"lost {_ledger.AttemptsOf(i)} times: no report or heartbeat within {_options.LeaseTimeout.TotalSeconds:0.#} s, or its silo died"), "went silent");
        await DispatchAsync(now);
        await FlushAsync();
        await TryFinishAsync();
        SpgdTelemetry.SetBacklog(JobId, S.State == JobState.Running ? S.Status.Count(b => b == (byte)ItemState.Pending) : null);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SpgdTelemetry.SetBacklog(JobId, null); // the silo that activates it next reports it
        return Task.CompletedTask;
    }

    private async Task ApplyAsync(int index, LedgerChange change, ItemOutcome outcome, string? why = null)
    {
        _dirty = true;
        await Reports.ApplyAsync(_ledger, Items, index, change, outcome, why);
    }

    // A report freed a place in the window: refill it now rather than on the next tick (as the grain's next turn, so the
    // report returns at once and reports already queued join the same batch and the same state write).
    private void RequestRefill()
    {
        if (!_refillArmed && S.State == JobState.Running && _window.ShouldRefill(_ledger.InFlight)) ArmRefill();
    }

    private void ArmRefill()
    {
        _refill ??= this.RegisterGrainTimer(async _ =>
        {
            _refillArmed = false;
            if (S.State == JobState.Running) await DispatchAsync(DateTime.UtcNow);
        }, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        _refill.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        _refillArmed = true;
    }

    private async Task DispatchAsync(DateTime now)
    {
        var size = await _window.SizeAsync(GrainFactory, now, logger);
        var batch = _ledger.Dispatch(now, size);
        if (batch.Count == 0) return;
        try
        {
            // Persist the attempts before starting anything, so a crash cannot hand out an attempt twice.
            await FlushAsync(force: true);
        }
        catch (Exception e)
        {
            // Storage is down: nothing was started, so nothing is spent. The next tick tries again.
            logger.LogWarning(e, "Job {Job}: progress not persisted; {Count} items wait", JobId, batch.Count);
            foreach (var (i, attempt) in batch) _ledger.NotStarted(i, attempt);
            return;
        }

        var items = Items;
        var holders = await Task.WhenAll(batch.Select(b => Silos.StartAsync(items.BuildItem(b.Index, b.Attempt), _window.NextPreferred())));
        for (var k = 0; k < batch.Count; k++)
        {
            // Not placed or queue full: not the item's fault. The next refill (a slot freed somewhere) or tick tries it again.
            if (holders[k] is { } holder) _ledger.Placed(batch[k].Index, batch[k].Attempt, holder);
            else _dirty |= _ledger.NotStarted(batch[k].Index, batch[k].Attempt);
        }
    }

    private async Task TryFinishAsync()
    {
        if (S.State != JobState.Running || !_ledger.AllEnded) return;
        try
        {
            // Aggregators persist lazily; anything they lost is restored from the items' records first.
            var complete = await Reports.ReconcileAsync(_ledger, Items);
            _dirty = true;
            if (!complete) return;
            await Reports.WriteFinalAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Job {Job}: writing the final reports failed; retrying on the next tick", JobId);
            return;
        }

        var (_, failed, _, _) = _ledger.Tally();
        S.State = failed == 0 ? JobState.Completed : failed == _ledger.Count ? JobState.Failed : JobState.CompletedWithFailures;
        if (S.State == JobState.Failed) S.Error = "every item failed (reasons in the task summaries)";
        S.FinishedAt = DateTimeOffset.UtcNow;
        await FlushAsync(force: true);
        StopTimers();
        await ResumeReminder.TryUnregisterAsync(this, logger);
        logger.LogInformation("Job {Job} ended {State}: {Failed} of {Total} items failed", JobId, S.State, failed, _ledger.Count);
    }

    private async Task FlushAsync(bool force = false)
    {
        if (!_dirty && !force) return;
        S.Retries = _ledger.Retries;
        try { await progressState.WriteStateAsync(); }
        catch
        {
            _ledger.RenewLeases(DateTime.UtcNow);
            throw;
        }

        _dirty = false;
    }

    private JobStatus BuildStatus()
    {
        var (succeeded, failed, inFlight, _) = _ledger.Tally();
        return new JobStatus
        {
            JobId = JobId, State = D.Definition is null ? JobState.Unknown : S.State, Total = _ledger.Count,
            Succeeded = succeeded, Failed = failed, InFlight = inFlight, Retries = _ledger.Retries,
            SubmittedAt = D.SubmittedAt, FinishedAt = S.FinishedAt, Error = S.Error,
            Dataset = D.Definition?.Dataset.Label ?? "", Silo = silo.Name,
        };
    }

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(_options.DispatchInterval, _options.DispatchInterval) { KeepAlive = true });

    private void StopTimers()
    {
        SpgdTelemetry.SetBacklog(JobId, null); // an ended job has no backlog to scale on
        _timer?.Dispose();
        _refill?.Dispose();
        (_timer, _refill, _refillArmed) = (null, null, false);
    }
}
