using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Spgd.Grains.Placement;

/// <summary>
/// Places a restoration attempt on the compute silo with the most free slots. Only silos whose
/// metadata declares a device are candidates; the free-slot estimate comes from
/// <see cref="ClusterLoadView"/> (published loads plus this silo's placements since the last refresh).
/// </summary>
internal sealed class DevicePlacementDirector(ISiloMetadataCache metadata, ClusterLoadView loads) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress? best = null;
        var bestFree = double.NegativeInfinity;
        var ties = 0;
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (!SiloDeviceMetadata.TryGetDevice(metadata.GetSiloMetadata(silo), out _, out var slots)) continue;
            // Relative free capacity, so a 4-slot GPU silo is not starved by a 1-slot CPU silo.
            var free = (double)loads.EstimateFree(silo, slots) / slots;
            if (free > bestFree) { best = silo; bestFree = free; ties = 1; }
            else if (free == bestFree && Random.Shared.Next(++ties) == 0) best = silo;
        }

        if (best is null)
            throw new OrleansException($"No compute silo (one started with a device) can host {target.GrainIdentity}.");
        loads.RecordPlacement(best);
        return Task.FromResult(best);
    }
}
