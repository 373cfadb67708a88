using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Aggregation;

/// <summary>Persisted records of one (job, task), keyed by item id so that each item counts once.</summary>
[GenerateSerializer]
public sealed class AggregatorState
{
    /// <summary>Item id → final outcome.</summary>
    [Id(0)] public Dictionary<string, ItemOutcome> Items { get; set; } = new(StringComparer.Ordinal);
}
