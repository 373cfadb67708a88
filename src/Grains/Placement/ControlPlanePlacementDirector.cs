using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Spgd.Grains.Placement;

/// <summary>Chooses a random compatible silo without a device, or any compatible silo when all have one.</summary>
internal sealed class ControlPlanePlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var plain = compatible.Where(s => !SiloDeviceMetadata.TryGetDevice(metadata.GetSiloMetadata(s), out _, out _)).ToArray();
        var pool = plain.Length > 0 ? plain : compatible;
        if (pool.Length == 0) throw new OrleansException($"No compatible silo to place {target.GrainIdentity}.");
        return Task.FromResult(pool[Random.Shared.Next(pool.Length)]);
    }
}
