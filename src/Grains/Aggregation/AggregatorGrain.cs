using System.Globalization;
using System.Text;
using System.Text.Json;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Evaluation.Summaries;
using Spgd.Grains.Devices;
using Spgd.Grains.Placement;
using Spgd.Storage;

namespace Spgd.Grains.Aggregation;

/// <summary>
/// Aggregates one (job, task), key <c>{job}/{task}</c>. Records are keyed by item id, so a duplicate
/// report (a retried attempt, a resumed job) changes nothing. State is persisted every few seconds
/// rather than per record (per-record writes cost O(n²) over a job); what a crash loses is restored by
/// the job from the items' records before the final reports are written.
/// </summary>
[ControlPlanePlacement]
internal sealed class AggregatorGrain(
    [PersistentState("aggregate", SpgdStorage.GrainStorageName)] IPersistentState<AggregatorState> state,
    IBlobStore store) : Grain, IAggregatorGrain
{
    private (string Job, string Task, string? PointKey) Key => AggregatorKeys.Parse(this.GetPrimaryKeyString());

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ => FlushAsync(), FlushInterval, FlushInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await FlushAsync();

    public Task<bool> RecordAsync(ItemOutcome outcome)
    {
        var added = AggregateRecords.Take(state.State.Items, outcome);
        _dirty |= added;
        return Task.FromResult(added);
    }

    public async Task RecordManyAsync(IReadOnlyList<ItemOutcome> outcomes)
    {
        foreach (var o in outcomes) _dirty |= AggregateRecords.Take(state.State.Items, o);
        await FlushAsync();
    }

    public Task<IReadOnlyDictionary<string, OutcomeKind>> GetRecordedAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, OutcomeKind>>(state.State.Items.ToDictionary(kv => kv.Key, kv => kv.Value.Kind, StringComparer.Ordinal));

    private async Task FlushAsync()
    {
        if (!_dirty) return;
        await state.WriteStateAsync();
        _dirty = false;
    }

    public Task<TaskSummary> GetSummaryAsync() => Task.FromResult(Summarize());

    public async Task<TaskSummary> WriteReportsAsync(string? manifestDigest = null, int? bestOf = null)
    {
        await FlushAsync();
        // One statistics path for the table and summary.json: the evaluation library (bootstrap intervals, run spread,
        // best-of-K), so the two can never disagree.
        var statistics = Statistics(manifestDigest, bestOf);
        var summary = Summarize(statistics) with { ManifestDigest = manifestDigest, BestOf = bestOf };
        var document = JsonSerializer.SerializeToNode(summary, ItemJson.Options)!.AsObject();
        document["statistics"] = JsonSerializer.SerializeToNode(statistics, ItemJson.Options);
        var folder = ItemKeys.CellFolder(summary.JobId, summary.Task, summary.PointKey);
        await store.PutAsync($"{folder}/summary.json", JsonSerializer.SerializeToUtf8Bytes(document, ItemJson.Options));
        await store.PutAsync($"{folder}/metrics.csv", Encoding.UTF8.GetBytes(MetricsCsv()));
        return summary;
    }

    private TaskStatistics Statistics(string? manifestDigest = null, int? bestOf = null)
    {
        var records = state.State.Items.Values.Select(o => o.Kind == OutcomeKind.Succeeded && o.Metrics is { } m
            ? ItemRecord.Success(o.ItemId, o.ImageId, o.Run, m.Psnr, m.Ssim, m.Lpips)
            : ItemRecord.Failure(o.ItemId, o.ImageId, o.Run, o.Error ?? o.Kind.ToString()));
        var options = bestOf is { } k ? new SummaryOptions(new BestOfKSelection(k)) : null;
        return TaskSummaryBuilder.Build(Key.Task, manifestDigest, records, options);
    }

    private TaskSummary Summarize(TaskStatistics? statistics = null)
    {
        var (job, task, pointKey) = Key;
        statistics ??= Statistics();
        var items = state.State.Items.Values;
        var succeeded = items.Where(o => o.Kind == OutcomeKind.Succeeded && o.Metrics is not null).ToList();
        return new TaskSummary
        {
            JobId = job, Task = task, Count = items.Count, Succeeded = succeeded.Count, PointKey = pointKey,
            Method = pointKey is null ? null : items.Select(o => o.Method).FirstOrDefault(m => m is not null),
            NetworkEvaluationsPerImage = succeeded.Count == 0 ? null : succeeded.Average(o => (double)o.NetworkEvaluations),
            Psnr = Stats(statistics[EvaluationMetric.Psnr]),
            Ssim = Stats(statistics[EvaluationMetric.Ssim]),
            Lpips = Stats(statistics[EvaluationMetric.Lpips]),
            Failures = items.Where(o => o.Kind != OutcomeKind.Succeeded)
                .OrderBy(o => o.ItemId, StringComparer.Ordinal)
                .Select(o => new ItemFailure(o.ItemId, o.Error ?? o.Kind.ToString())).ToList(),
        };
    }

    private static MetricStats? Stats(MetricSummary? m) => m is null ? null : new MetricStats(m.Count, m.Mean, m.Std, m.Min, m.Max);

    private string MetricsCsv()
    {
        var csv = new StringBuilder("item,image,run,status,psnr,ssim,lpips,nfe,seconds,seed,silo,device,error\n");
        foreach (var o in state.State.Items.Values.OrderBy(o => o.ItemId, StringComparer.Ordinal))
        {
            var m = o.Metrics;
            csv.Append(CultureInfo.InvariantCulture,
                $"{Csv(o.ItemId)},{Csv(o.ImageId)},{o.Run},{(o.Kind == OutcomeKind.Succeeded ? "ok" : "failed")},");
            csv.Append(CultureInfo.InvariantCulture,
                $"{m?.Psnr.ToString("R", CultureInfo.InvariantCulture)},{m?.Ssim.ToString("R", CultureInfo.InvariantCulture)},{m?.Lpips?.ToString("R", CultureInfo.InvariantCulture)},");
            csv.Append(CultureInfo.InvariantCulture,
                $"{o.NetworkEvaluations},{o.Seconds:0.###},{o.Seed},{Csv(o.Silo)},{Csv(o.Device)},{Csv(o.Error ?? "")}\n");
        }

        return csv.ToString();
    }

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
