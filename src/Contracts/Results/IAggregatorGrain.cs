namespace Spgd.Contracts.Results;

/// <summary>
/// Collects the metrics of one (job, task), keyed <c>{job}/{task}</c>: each item is counted once
/// (keyed by item id), statistics are kept, and the summary and per-image CSV are written to storage.
/// </summary>
public interface IAggregatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records an item's final outcome; a second record for the same item id changes nothing, unless it is a worker's
    /// outcome replacing a failure the job declared.
    /// </summary>
    /// <returns>True when the item was new.</returns>
    Task<bool> RecordAsync(Spgd.Contracts.Jobs.ItemOutcome outcome);

    /// <summary>Records several outcomes (duplicates ignored) and persists them before returning.</summary>
    Task RecordManyAsync(IReadOnlyList<Spgd.Contracts.Jobs.ItemOutcome> outcomes);

    /// <summary>The items recorded so far: id and how each ended.</summary>
    Task<IReadOnlyDictionary<string, Spgd.Contracts.Jobs.OutcomeKind>> GetRecordedAsync();

    /// <summary>Current statistics.</summary>
    Task<TaskSummary> GetSummaryAsync();

    /// <summary>Writes <c>summary.json</c> and <c>metrics.csv</c> for the task; returns the summary written.</summary>
    /// <param name="manifestDigest">The job's manifest digest, named in the summary.</param>
    /// <param name="bestOf">Best-of-K per image (by PSNR) instead of the mean over runs; null for the mean.</param>
    Task<TaskSummary> WriteReportsAsync(string? manifestDigest = null, int? bestOf = null);
}
