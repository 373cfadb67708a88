using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// Executes one work item on this silo's device: load the image, restore it, measure it and write its
/// outputs to storage at the item's deterministic keys. Called on a device thread; may block for minutes.
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
public sealed record RunResult(ItemMetrics Metrics, int NetworkEvaluations, ulong Seed);

/// <summary>A failure that is a property of the item itself (undecodable image, bad size): recorded once, never retried.</summary>
public sealed class DeterministicItemException(string message, Exception? inner = null) : Exception(message, inner);
