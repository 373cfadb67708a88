using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// A runner that can execute several items as one batch on the device (one network evaluation serves them all).
/// The executor only batches items whose <see cref="BatchKey"/> is equal and not null, and only when
/// <see cref="DeviceOptions.MaxBatchSize"/> is above 1.
/// </summary>
public interface IBatchWorkItemRunner : IWorkItemRunner
{
    /// <summary>
    /// What must be equal for two items to share a batch (model, task and operator parameters, image size, schedule),
    /// with value equality; null when the item must run alone (e.g. it records per-step traces, or its settings do not parse).
    /// </summary>
    object? BatchKey(WorkItem item);

    /// <summary>
    /// Runs <paramref name="items"/> (equal, non-null keys) together and returns one outcome per item, in order. A failure
    /// of one item (a bad image, a failure only it causes) is that item's outcome; the others still run.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled: the whole batch is abandoned.</exception>
    IReadOnlyList<ItemRunOutcome> RunBatch(IReadOnlyList<WorkItem> items, string device, CancellationToken cancellationToken);
}

/// <summary>One item's outcome within a batch: its result, or the exception that failed it (a
/// <see cref="DeterministicItemException"/> for failures a retry cannot fix).</summary>
/// <param name="Result">The result when the item succeeded.</param>
/// <param name="Error">The failure otherwise.</param>
public sealed record ItemRunOutcome(RunResult? Result, Exception? Error)
{
    /// <summary>A success.</summary>
    public static ItemRunOutcome Succeeded(RunResult result) => new(result ?? throw new ArgumentNullException(nameof(result)), null);

    /// <summary>A failure.</summary>
    public static ItemRunOutcome Failed(Exception error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
