using Spgd.Contracts.Jobs;
using Spgd.Grains.Aggregation;

namespace Spgd.Grains.Jobs;

/// <summary>
/// Before a job writes its final reports: makes every table cell's aggregate hold every finished item of the cell, and
/// the job's states agree with what the cell holds. Missing items are read from the items' records (aggregators persist lazily, so a crash can lose recent ones). An item
/// whose record is gone too runs again (<see cref="ItemLedger.ResultMissing"/>); a worker's record found for an item the
/// job had declared failed sets the item's state (<see cref="ItemLedger.Recorded"/>). Plain logic over three calls, so the
/// fault simulation runs the same code as <see cref="JobGrain"/>.
/// </summary>
public static class AggregateReconciler
{
    /// <summary>True when every cell is complete; false when some item must run again (the job goes on).</summary>
    /// <param name="ledger">The job's items.</param>
    /// <param name="items">The job's expansion.</param>
    /// <param name="recorded">The items a cell's aggregate holds, and how each ended.</param>
    /// <param name="readRecord">An item's stored record, null when there is none.</param>
    /// <param name="recordMany">Adds restored outcomes to a cell's aggregate.</param>
    /// <param name="missing">Told of each item whose record is gone (for the log).</param>
    public static async Task<bool> ReconcileAsync(ItemLedger ledger, JobItemIndex items,
        Func<int, Task<IReadOnlyDictionary<string, OutcomeKind>>> recorded, Func<string, Task<ItemOutcome?>> readRecord,
        Func<int, IReadOnlyList<ItemOutcome>, Task> recordMany, Action<string>? missing = null)
    {
        var complete = true;
        var perCell = items.CellSize;
        for (var c = 0; c < items.CellCount; c++)
        {
            var held = await recorded(c);
            var restored = new List<ItemOutcome>();
            for (var i = c * perCell; i < (c + 1) * perCell; i++)
            {
                var id = items.ItemIdOf(i);
                if (held.TryGetValue(id, out var kind))
                {
                    // A worker's outcome held is the truth; a declared failure held stands unless the job has since
                    // learned of the worker's end (then its record replaces the declared one below).
                    if (!AggregateRecords.IsDeclared(kind)) { ledger.Recorded(i, kind); continue; }
                    if (ledger.StatusOf(i) == ItemState.Failed) continue;
                }

                if (ledger.StatusOf(i) == ItemState.Cancelled) continue;
                if (await readRecord(id) is { } outcome)
                {
                    // A worker's record outranks a failure the job declared from silence.
                    ledger.Recorded(i, outcome.Kind);
                    restored.Add(outcome);
                    continue;
                }

                missing?.Invoke(id);
                ledger.ResultMissing(i);
                complete = false;
            }

            if (restored.Count > 0) await recordMany(c, restored);
        }

        return complete;
    }
}
