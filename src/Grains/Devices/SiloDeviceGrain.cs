using Spgd.Contracts.Devices;
using Spgd.Grains.Placement;

namespace Spgd.Grains.Devices;

/// <summary>
/// This silo's device as the cluster addresses it (keyed by the silo's address, placed on it by
/// <see cref="SiloBoundPlacementDirector"/>): a thin shell over <see cref="DeviceExecutor.Unwanted"/>.
/// </summary>
[SiloBoundPlacement]
internal sealed class SiloDeviceGrain(DeviceExecutor executor) : Grain, ISiloDeviceGrain
{
    public Task<int> CancelAsync(string jobId, int[] indices, int[] attempts) =>
        Task.FromResult(executor.Unwanted(jobId, indices.Zip(attempts)));
}
