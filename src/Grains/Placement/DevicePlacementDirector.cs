using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Spgd.Grains.Placement;

/// <summary>
/// Places a restoration attempt on a compute silo: the one the caller prefers (<see cref="PlacementHints.PreferredSilo"/>,
/// the silo that just reported a finished item) when it is a live compute silo, otherwise the one with the most
/// free slots. Only silos whose metadata declares a device are candidates; the free-slot estimate comes from
/// <see cref="ClusterLoadView"/> (published loads plus this silo's placements since the last refresh).
/// </summary>
internal sealed class DevicePlacementDirector(ISiloMetadataCache metadata, ClusterLoadView loads, ISiloStatusOracle silos) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var preferred = target.RequestContextData?.GetValueOrDefault(PlacementHints.PreferredSilo) as string;
        var candidates = new List<Candidate>();
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (!SiloDeviceMetadata.TryGetDevice(metadata.GetSiloMetadata(silo), out _, out var slots)) continue;
            var name = preferred is not null && silos.TryGetSiloName(silo, out var n) ? n : null;
            candidates.Add(new Candidate(silo, name, slots, loads.EstimateFree(silo, slots)));
        }

        var best = Choose(candidates, preferred, Random.Shared)
            ?? throw new OrleansException($"No compute silo (one started with a device) can host {target.GrainIdentity}.");
        loads.RecordPlacement(best);
        return Task.FromResult(best);
    }

    /// <summary>A compute silo as placement sees it.</summary>
    internal readonly record struct Candidate(SiloAddress Silo, string? Name, int Slots, int EstimatedFree);

    /// <summary>The preferred silo when it is a candidate, else the one with the most relative free capacity (ties at random); null without candidates.</summary>
    internal static SiloAddress? Choose(IReadOnlyList<Candidate> candidates, string? preferred, Random random)
    {
        if (preferred is not null)
            foreach (var c in candidates)
                if (c.Name == preferred) return c.Silo;

        SiloAddress? best = null;
        var bestFree = double.NegativeInfinity;
        var ties = 0;
        foreach (var c in candidates)
        {
            // Relative free capacity, so a 4-slot GPU silo is not starved by a 1-slot CPU silo.
            var free = (double)c.EstimatedFree / c.Slots;
            if (free > bestFree) { best = c.Silo; bestFree = free; ties = 1; }
            else if (free == bestFree && random.Next(++ties) == 0) best = c.Silo;
        }

        return best;
    }
}
