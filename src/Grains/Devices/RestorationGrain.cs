using Spgd.Contracts.Jobs;
using Spgd.Grains.Placement;

namespace Spgd.Grains.Devices;

/// <summary>
/// One attempt of one item. It exists so that Orleans placement picks the compute silo (a stateless
/// worker would run on the caller's silo, which is the job's control-plane silo). It hands the item to
/// the local <see cref="DeviceExecutor"/> and deactivates: the minutes of work happen outside any grain call.
/// </summary>
[DevicePlacement]
internal sealed class RestorationGrain(DeviceExecutor executor, ILocalSiloDetails silo) : Grain, IRestorationGrain
{
    public Task<string?> StartAsync(WorkItem item)
    {
        var accepted = executor.TryAccept(item);
        DeactivateOnIdle();
        return Task.FromResult(accepted ? silo.SiloAddress.ToParsableString() : null);
    }
}
