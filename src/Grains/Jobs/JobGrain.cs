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
    IOptions<JobOptions> options, IBlobStore store, DatasetStores datasets, DataRoots dataRoots, ILocalSiloDetails silo, IClusterMembershipService membership,
    ILogger<JobGrain> logger) : Grain, IJobGrain, IRemindable
{
    private readonly JobOptions _options = options.Value;
    private readonly DispatchWindow _window = new(options.Value);
    private ItemLedger _ledger = new([], [], LedgerPolicy.From(options.Value));
    private JobClock? _clock;
    private bool _dirty;

    private JobDefinitionState D => definitionState.State;
    private JobProgressState S => progressState.State;
    private string JobId => this.GetPrimaryKeyString();
    private JobItemIndex Items => JobItemIndex.Of(JobId, D);
    private JobReports Reports => new(JobId, D, GrainFactory, store, logger);
    private ComputeSilos Silos => new(GrainFactory, membership, logger);
    private JobAdmission Admission => new(JobId, datasets, dataRoots);
    private JobClock Clock => _clock ??= new JobClock(this, _options.DispatchInterval, TickAsync,
        async () => { if (S.State == JobState.Running) await DispatchAsync(DateTime.UtcNow); },
        stopped: () => SpgdTelemetry.SetBacklog(JobId, null)); // an ended job has no backlog to scale on

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ledger = ItemLedger.Restore(S.Status, S.Attempts, LedgerPolicy.From(_options), S.Retries, DateTime.UtcNow);
        if (S.State != JobState.Running) return Task.CompletedTask;
        logger.LogInformation("Job {Job} resumed: {Status}", JobId, BuildStatus());
        Clock.Run();
        return Task.CompletedTask;
    }

    // Reports that arrived since the last tick are persisted when the silo stops (an interrupted `spgd run`).
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SpgdTelemetry.SetBacklog(JobId, null); // the silo that activates it next reports it
        return FlushAsync();
    }

    public async Task<JobStatus> SubmitAsync(JobDefinition definition)
    {
        JobIds.ThrowIfInvalid(JobId); // before anything is stored under the id
        // A job stored as refused (no items; by versions that kept refusals) does not hold its id.
        return D.Definition is not null && _ledger.Count > 0 ? await ResubmitAsync(definition) : await StartAsync(definition);
    }

    public async Task<JobStatus> ReplaceAsync(JobDefinition definition)
    {
        JobIds.ThrowIfInvalid(JobId);
        if (D.Definition is null || _ledger.Count == 0) return await StartAsync(definition);
        if (S.State == JobState.Running)
            throw new ArgumentException($"job '{JobId}' is still running: cancel it first (spgd cancel {JobId}), then replace it");
        try { await Admission.AdmitAsync(definition); } // a replacement that would be refused changes nothing
        catch (Exception e) when (JobAdmission.IsRefusal(e)) { return JobStatusView.Refused(JobId, e, silo.Name); }
        var aside = JobBinding.AsideId(JobId, DateTimeOffset.UtcNow);
        var moved = await JobBinding.MoveAsideAsync(store, JobId, aside);
        await Reports.ResetAggregatorsAsync();
        logger.LogInformation("Job {Job} replaced: {Count} stored file(s) moved to jobs/{Aside}/", JobId, moved, aside);
        return await StartAsync(definition);
    }

    // Same spec and data: the job goes on (a cancelled or interrupted one resumes). Anything else is refused, naming the difference.
    private async Task<JobStatus> ResubmitAsync(JobDefinition definition)
    {
        string? difference;
        try { difference = await Admission.DifferenceAsync(store, D, await Admission.AdmitAsync(definition)); }
        catch (Exception e) when (JobAdmission.IsRefusal(e)) { return JobStatusView.Refused(JobId, e, silo.Name); }
        if (difference is not null)
            throw new ArgumentException($"job '{JobId}' already exists and its {difference}; use --replace to start it afresh (the old results are moved aside) or another --id");
        if (S.State == JobState.Cancelled)
        {
            _ledger = ItemLedger.Reopen(S.Status, S.Attempts, LedgerPolicy.From(_options), S.Retries, DateTime.UtcNow);
            (S.State, S.FinishedAt) = (JobState.Running, null);
            await FlushAsync(force: true);
            await ResumeReminder.TryRegisterAsync(this, _options.ReminderPeriod, logger);
            Clock.Run();
            logger.LogInformation("Job {Job} resumed after cancellation: {Status}", JobId, BuildStatus());
        }
        return await GetStatusAsync();
    }

    private async Task<JobStatus> StartAsync(JobDefinition definition)
    {
        definitionState.State = new JobDefinitionState(); // a fresh start: nothing of a replaced or refused job carries over
        progressState.State = new JobProgressState();
        _ledger = new ItemLedger([], [], LedgerPolicy.From(_options));
        D.SubmittedAt = DateTimeOffset.UtcNow;
        Evaluation.Manifests.DatasetManifest manifest;
        try
        {
            var admitted = await Admission.AdmitAsync(definition);
            D.Definition = admitted.Definition;
            D.ImageIds = admitted.Images.Select(i => i.Id).ToArray();
            D.ImageSources = admitted.Images.Select(i => i.Source).ToArray();
            var count = Items.Count;
            if (count > 5_000_000) throw new ArgumentException($"Job '{JobId}' expands to {count} items; at most 5,000,000 are supported.");
            (S.Status, S.Attempts) = (new byte[count], new byte[count]);
            _ledger = new ItemLedger(S.Status, S.Attempts, LedgerPolicy.From(_options));
            manifest = await Admission.ManifestAsync(admitted, Items.Seeds());
            (D.ManifestDigest, D.SpecDigest, S.State) = (manifest.Digest, JobBinding.SpecDigest(admitted.Definition), JobState.Running);
        }
        catch (Exception e) when (JobAdmission.IsRefusal(e))
        {
            (definitionState.State, progressState.State) = (new JobDefinitionState(), new JobProgressState());
            _ledger = new ItemLedger([], [], LedgerPolicy.From(_options));
            return JobStatusView.Refused(JobId, e, silo.Name);
        }

        await definitionState.WriteStateAsync();
        await progressState.WriteStateAsync();
        await GrainFactory.GetGrain<IJobIndexGrain>(0).AddAsync(JobId, D.SubmittedAt);
        await store.PutAsync(ItemKeys.Manifest(JobId), Evaluation.Manifests.ManifestJson.ToUtf8(manifest));
        await Reports.WriteJobFilesAsync();
        await ResumeReminder.TryRegisterAsync(this, _options.ReminderPeriod, logger);
        Clock.Run(); // the first items go out now, not one dispatch interval later
        logger.LogInformation("Job {Job} submitted: {Items} items over {Images} images", JobId, _ledger.Count, D.ImageIds.Length);
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
        // The report freed a place in the window: refill it now rather than on the next tick (as the grain's next turn, so
        // the report returns at once and reports already queued join the same batch and the same state write).
        if (!Clock.RefillArmed && _window.ShouldRefill(_ledger.InFlight)) Clock.ArmRefill();
        await TryFinishAsync();
    }

    public Task<int[]> HeartbeatAsync(int[] indices, int[] attempts, string holder)
    {
        if (S.State != JobState.Running) return Task.FromResult(indices);
        var unwanted = _ledger.Heartbeats(indices, attempts, DateTime.UtcNow, out var changed, holder);
        _dirty |= changed;
        return Task.FromResult(unwanted);
    }

    public Task ReleaseAsync(int index, int attempt)
    {
        if (S.State == JobState.Running) _dirty |= _ledger.NotStarted(index, attempt);
        return Task.CompletedTask;
    }

    public async Task CancelAsync()
    {
        if (S.State != JobState.Running) return;
        new CancellationFanOut(GrainFactory, membership, logger).Send(JobId, _ledger.InFlightAttempts()); // not awaited, before the write: storage cannot delay it
        var inFlight = _ledger.Cancel();
        (S.State, S.FinishedAt, _dirty) = (JobState.Cancelled, DateTimeOffset.UtcNow, true); // dirty: a failed write is retried by the next status call
        await FlushAsync();
        Clock.Stop();
        await ResumeReminder.TryUnregisterAsync(this, logger);
        logger.LogInformation("Job {Job} cancelled with {InFlight} items in flight (their silos were told to stop them)", JobId, inFlight);
        try { await Reports.WritePartialAsync(_ledger, Items); _dirty = true; } // reconciliation may correct a declared failure
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: writing the partial reports of a cancelled job failed", JobId); }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Being called is the point: it re-activates a job whose silo died, and activation restarts the timer.
        if (S.State != JobState.Running) await ResumeReminder.TryUnregisterAsync(this, logger);
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (S.State != JobState.Running) { Clock.Stop(); return; }
        var now = DateTime.UtcNow;
        foreach (var (i, change) in LostAttempts.Collect(_ledger, JobId, Silos.IsDead, now))
            await ApplyAsync(i, change, Items.DeclaredFailure(i, _ledger.AttemptsOf(i),
                $"lost {_ledger.AttemptsOf(i)} times: no report or heartbeat within {_options.LeaseTimeout.TotalSeconds:0.#} s, or its silo died"), "went silent");
        await DispatchAsync(now);
        await FlushAsync();
        await TryFinishAsync();
        SpgdTelemetry.SetBacklog(JobId, S.State == JobState.Running ? S.Status.Count(b => b == (byte)ItemState.Pending) : null);
    }

    private async Task ApplyAsync(int index, LedgerChange change, ItemOutcome outcome, string? why = null)
    {
        _dirty = true;
        await Reports.ApplyAsync(_ledger, Items, index, change, outcome, why);
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

        (S.State, var error) = _ledger.Ending();
        (S.Error, S.FinishedAt) = (error ?? S.Error, DateTimeOffset.UtcNow);
        await FlushAsync(force: true);
        Clock.Stop();
        await ResumeReminder.TryUnregisterAsync(this, logger);
        logger.LogInformation("Job {Job} ended {State}: {Failed} of {Total} items failed", JobId, S.State, _ledger.Tally().Failed, _ledger.Count);
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

    private JobStatus BuildStatus() => JobStatusView.Of(JobId, D, S, _ledger, silo.Name);
}
