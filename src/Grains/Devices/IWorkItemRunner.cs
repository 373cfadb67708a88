using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// Executes one work item on this silo's device: load the image, restore it, measure it and return its outputs for
/// the item's deterministic keys. Called on a device thread; may block for minutes.
/// </summary>
public interface IWorkItemRunner
{
    /// <summary>Runs the item; throws <see cref="DeterministicItemException"/> for failures a retry cannot fix.</summary>
    RunResult Run(WorkItem item, string device, CancellationToken cancellationToken);
}

/// <summary>What a successful run produced.</summary>
/// <param name="Metrics">Quality of the restored image.</param>
/// <param name="NetworkEvaluations">Denoiser evaluations.</param>
/// <param name="Seed">The item's derived seed.</param>
/// <param name="Outputs">Files to store at the item's keys (restored image, …). The executor writes them off the device
/// thread, all at once, before the item's record, so the device starts its next item while storage makes them durable;
/// the item succeeds only once they are stored.</param>
public sealed record RunResult(ItemMetrics Metrics, int NetworkEvaluations, ulong Seed, IReadOnlyList<ItemOutput>? Outputs = null);

/// <summary>One file a run produced.</summary>
/// <param name="Key">Blob key (one of <c>ItemKeys</c>).</param>
/// <param name="Content">The bytes.</param>
public sealed record ItemOutput(string Key, byte[] Content);

/// <summary>A failure that is a property of the item itself (undecodable image, bad size): recorded once, never retried.</summary>
public sealed class DeterministicItemException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A run passed its deadline (<see cref="ItemDeadlines"/>): a transient failure, retried like any other.</summary>
public sealed class ItemDeadlineExceededException(string message) : TimeoutException(message);
