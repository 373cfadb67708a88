using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spgd.Contracts.Devices;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Contracts.Sweeps;
using Spgd.Grains.Aggregation;
using Spgd.Grains.Devices;
using Spgd.Storage;

namespace Spgd.Grains.Jobs;

/// <summary>What a job writes besides its progress: the job folder's files, item records it declares, and the final reports.</summary>
internal sealed class JobReports(string jobId, JobDefinitionState job, IGrainFactory grains, IBlobStore store, ILogger logger)
{
    private JobDefinition Definition => job.Definition!;

    /// <summary>The aggregate of one table cell.</summary>
    public IAggregatorGrain AggregatorOf(string task, GridPoint? point) => grains.GetGrain<IAggregatorGrain>(AggregatorKeys.Of(jobId, task, point?.Key));

    /// <summary>The record of an item the job declares failed (workers write the others).</summary>
    public Task WriteRecordAsync(ItemOutcome outcome) =>
        store.PutAsync(ItemKeys.ItemJson(jobId, outcome.ItemId), JsonSerializer.SerializeToUtf8Bytes(outcome, ItemJson.Options));

    /// <summary>See <see cref="AggregateReconciler"/>; false when some item must run again.</summary>
    public Task<bool> ReconcileAsync(ItemLedger ledger, JobItemIndex items) =>
        AggregateReconciler.ReconcileAsync(ledger, items,
            async c => (IReadOnlyCollection<string>)await Aggregator(items.CellOf(c)).GetRecordedIdsAsync(),
            async id => (await store.GetAsync(ItemKeys.ItemJson(jobId, id)))?.Content is { } bytes ? JsonSerializer.Deserialize<ItemOutcome>(bytes, ItemJson.Options) : null,
            (c, restored) => Aggregator(items.CellOf(c)).RecordManyAsync(restored),
            id => logger.LogWarning("Job {Job}: the record of finished item {Item} is missing; running it again", jobId, id));

    /// <summary>Every cell's summary and metrics, then the job's evaluation table.</summary>
    public async Task WriteFinalAsync()
    {
        var rows = new List<(string Method, IReadOnlyList<TaskSummary> Summaries)>();
        foreach (var point in (IReadOnlyList<GridPoint?>?)Definition.Grid ?? [null])
        {
            var summaries = new List<TaskSummary>();
            foreach (var task in Definition.Tasks) summaries.Add(await AggregatorOf(task.Name, point).WriteReportsAsync(job.ManifestDigest, task.BestOf));
            rows.Add((point?.Label ?? MethodLabel, summaries));
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
            foreach (var (name, content) in JobFolderFiles.Build(Definition, MethodLabel, devices))
                await store.PutAsync(ItemKeys.JobFile(jobId, name), content);
        }
        catch (Exception e) { logger.LogWarning(e, "Job {Job}: writing spec/grid/facts files failed", jobId); }
    }

    private string MethodLabel => Definition.Sampler.Preset == "paper" ? Definition.Method : $"{Definition.Method} ({Definition.Sampler.Preset})";

    private IAggregatorGrain Aggregator((string Task, GridPoint? Point) cell) => AggregatorOf(cell.Task, cell.Point);
}
