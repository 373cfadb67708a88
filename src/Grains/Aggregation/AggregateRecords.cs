using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Aggregation;

/// <summary>
/// How an aggregate takes an item's final outcome: once per item id, the first one, except that a worker's outcome
/// (success or deterministic failure) replaces a failure the job declared from silence (its report was lost, the worker
/// had finished after all). Only the job declares transient, infrastructure and deadline outcomes final.
/// </summary>
public static class AggregateRecords
{
    /// <summary>Adds or replaces <paramref name="outcome"/> in <paramref name="items"/>; true when that changed anything.</summary>
    public static bool Take(Dictionary<string, ItemOutcome> items, ItemOutcome outcome)
    {
        if (items.TryGetValue(outcome.ItemId, out var held) && !(IsDeclared(held) && !IsDeclared(outcome))) return false;
        items[outcome.ItemId] = outcome;
        return true;
    }

    /// <summary>True for a failure the job declared (attempts spent), as opposed to a worker's outcome.</summary>
    public static bool IsDeclared(ItemOutcome outcome) => IsDeclared(outcome.Kind);

    /// <inheritdoc cref="IsDeclared(ItemOutcome)"/>
    public static bool IsDeclared(OutcomeKind kind) => kind is OutcomeKind.FailedTransient or OutcomeKind.FailedInfrastructure or OutcomeKind.DeadlineExceeded;
}
