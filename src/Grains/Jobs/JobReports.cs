using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Contracts.Sweeps;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Devices;
using Spgd.Grains.Telemetry;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>What a job writes besides its progress: the job folder's files, item records it declares, and the final reports.</summary>
internal sealed class JobReports(string jobId, JobDefinitionState job, IGrainFactory grains, IBlobStore store, ILogger logger)
{
    private JobDefinition Definition => job.Definition!;

    /// <summary>The aggregate of one table cell.</summary>
    public IAggregatorGrain AggregatorOf(string task, GridPoint? point) => grains.GetGrain<IAggregatorGrain>(AggregatorKeys.Of(jobId, task, point?.Key));

    /// <summary>
    /// What the cluster owes an item after a ledger change: telemetry for a retry; for an end, the record of a failure
    /// the job declares (<see cref="DeclareFailureAsync"/>), then the outcome in its cell's aggregate. The aggregate is a
    /// view: a failure here is repaired by the final reconciliation, so it is logged, not thrown.
    /// </summary>
    public async Task ApplyAsync(ItemLedger ledger, JobItemIndex items, int index, LedgerChange change, ItemOutcome outcome, string? why)
    {
        switch (change)
        {
            case LedgerChange.None:
                return;
            case LedgerChange.Retrying:
                SpgdTelemetry.ItemsRetried.Add(1, new KeyValuePair<string, object?>(SpgdTelemetry.JobTag, jobId));
                logger.LogInformation("Job {Job}: item {Item} attempt {Attempt} ({Why}) goes again", jobId, outcome.ItemId, outcome.Attempt, why ?? outcome.Kind.ToString());
                return;
            case LedgerChange.FailedDeclared:
                // Declared from silence; the worker may have finished after all, and its record is the truth.
                try { outcome = await DeclareFailureAsync(ledger, index, outcome); }
                catch (Exception e) { logger.LogWarning(e, "Job {Job}: the record of failed item {Item} was not written; reconciled at the end", jobId, outcome.ItemId); }
                break;
        }

        try { await AggregatorOf(outcome.Task, items.Decompose(index).Point).RecordAsync(outcome); }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: aggregating {Item} failed; reconciled at the end", jobId, outcome.ItemId); }
    }

    /// <summary>
    /// An item the ledger declared failed (<see cref="LedgerChange.FailedDeclared"/>): when its worker did record an end
    /// (its report was lost), that record is the truth (<see cref="ItemLedger.Recorded"/>) and is returned; otherwise the
    /// job writes <paramref name="declared"/> as the item's record (workers write all others) and returns it.
    /// </summary>
    public async Task<ItemOutcome> DeclareFailureAsync(ItemLedger ledger, int index, ItemOutcome declared)
    {
        if (await ReadRecordAsync(declared.ItemId) is { Kind: OutcomeKind.Succeeded or OutcomeKind.FailedDeterministic } recorded)
        {
            ledger.Recorded(index, recorded.Kind);
            return recorded;
        }

        await store.PutAsync(ItemKeys.ItemJson(jobId, declared.ItemId), JsonSerializer.SerializeToUtf8Bytes(declared, ItemJson.Options));
        return declared;
    }

    private async Task<ItemOutcome?> ReadRecordAsync(string itemId) =>
        (await store.GetAsync(ItemKeys.ItemJson(jobId, itemId)))?.Content is { } bytes ? JsonSerializer.Deserialize<ItemOutcome>(bytes, ItemJson.Options) : null;

    /// <summary>See <see cref="AggregateReconciler"/>; false when some item must run again.</summary>
    public Task<bool> ReconcileAsync(ItemLedger ledger, JobItemIndex items, bool rerunMissing = true) =>
        AggregateReconciler.ReconcileAsync(ledger, items,
            c => Aggregator(items.CellOf(c)).GetRecordedAsync(),
            ReadRecordAsync,
            (c, restored) => Aggregator(items.CellOf(c)).RecordManyAsync(restored),
            id => logger.LogWarning("Job {Job}: the record of finished item {Item} is missing{Then}", jobId, id, rerunMissing ? "; running it again" : ""),
            rerunMissing);

    /// <summary>A cancelled job's reports: like the final ones, listing every item that finished (nothing runs again).</summary>
    public async Task WritePartialAsync(ItemLedger ledger, JobItemIndex items)
    {
        await ReconcileAsync(ledger, items, rerunMissing: false);
        await WriteFinalAsync();
    }

    /// <summary>Every cell's aggregator forgets its records (the job is replaced).</summary>
    public async Task ResetAggregatorsAsync()
    {
        foreach (var point in (IReadOnlyList<GridPoint?>?)Definition.Grid ?? [null])
            foreach (var task in Definition.Tasks)
                await AggregatorOf(task.Name, point).ResetAsync();
    }

    /// <summary>Every cell's summary and metrics, then the job's evaluation table.</summary>
    public async Task WriteFinalAsync()
    {
        var rows = new List<(string Method, IReadOnlyList<TaskSummary> Summaries)>();
        foreach (var point in (IReadOnlyList<GridPoint?>?)Definition.Grid ?? [null])
        {
            var summaries = new List<(string Label, TaskSummary Summary)>();
            foreach (var task in Definition.Tasks)
            {
                var recipe = Recipes.Of(task.Name, point);
                summaries.Add((recipe.Label, await AggregatorOf(task.Name, point).WriteReportsAsync(job.ManifestDigest, task.BestOf, recipe)));
            }
            // A row names what ran: the grid point, or (without a sweep) the method of the tasks under it.
            foreach (var group in summaries.GroupBy(s => s.Label)) rows.Add((group.Key, group.Select(s => s.Summary).ToList()));
        }

        var table = EvaluationTable.Build(Definition.Dataset.Label, rows) with { ManifestDigest = job.ManifestDigest };
        await store.PutAsync(ItemKeys.EvaluationMarkdown(jobId), Encoding.UTF8.GetBytes(table.ToMarkdown()));
        await store.PutAsync(ItemKeys.EvaluationJson(jobId), JsonSerializer.SerializeToUtf8Bytes(table, ItemJson.Options));
    }

    /// <summary>The spec, grid and facts files, for reports and reproduction; a failure here costs the report some context, not the job.</summary>
    public async Task WriteJobFilesAsync()
    {
        try
        {
            IReadOnlyList<DeviceLoad> devices = [];
            try { devices = await grains.GetGrain<IDeviceRegistryGrain>(0).GetLoadsAsync(); }
            catch (Exception e) { logger.LogDebug(e, "Job {Job}: device registry unavailable for facts.json", jobId); }
            var methods = string.Join("; ", Definition.Tasks.Select(t => Recipes.Of(t.Name, null).Label).Distinct());
            foreach (var (name, content) in JobFolderFiles.Build(Definition, methods, devices))
                await store.PutAsync(ItemKeys.JobFile(jobId, name), content);
        }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: writing spec/grid/facts files failed", jobId); }
    }

    private JobRecipes Recipes => JobRecipes.For(Definition);

    private IAggregatorGrain Aggregator((string Task, GridPoint? Point) cell) => AggregatorOf(cell.Task, cell.Point);
}
