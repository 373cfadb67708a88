using System.Security.Cryptography;
using System.Text;
using Spgd.Contracts.Jobs;

namespace Spgd.Grains.Devices;

/// <summary>
/// The simulated device: holds the slot for a fixed service time and computes nothing. Its "metrics"
/// are a stable function of the item id, so aggregation can still be checked. An uninterruptible one ignores
/// cancellation, as a device stuck in a long native call does (what a second interrupt exists for).
/// </summary>
public sealed class SimulatedWorkItemRunner(TimeSpan serviceTime, bool interruptible = true) : IWorkItemRunner
{
    /// <inheritdoc />
    public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
    {
        if (!interruptible) Thread.Sleep(serviceTime);
        else if (cancellationToken.WaitHandle.WaitOne(serviceTime)) cancellationToken.ThrowIfCancellationRequested();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(item.JobId + "|" + item.ItemId));
        var u = BitConverter.ToUInt64(hash, 0);
        var unit = (u >> 11) * (1.0 / (1UL << 53));
        return new RunResult(new ItemMetrics(20 + 10 * unit, 0.5 + 0.4 * unit, null), 0, u);
    }
}
