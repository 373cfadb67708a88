using Orleans.Runtime.Placement;

namespace Spgd.Grains.Placement;

/// <summary>
/// Places a grain keyed by a silo address on that silo when it is a compatible (active) silo; otherwise the call fails
/// rather than activate the grain on another silo, where it would stand for the wrong device.
/// </summary>
internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context) =>
        Task.FromResult(Choose(target.GrainIdentity.Key.ToString(), context.GetCompatibleSilos(target))
            ?? throw new OrleansException($"{target.GrainIdentity}: silo '{target.GrainIdentity.Key}' is not an active silo"));

    /// <summary>The compatible silo whose address is <paramref name="key"/>; null when there is none (dead, or not an address).</summary>
    internal static SiloAddress? Choose(string key, IReadOnlyCollection<SiloAddress> compatible)
    {
        SiloAddress wanted;
        try { wanted = SiloAddress.FromParsableString(key); }
        catch (FormatException) { return null; }
        return compatible.FirstOrDefault(s => s.Equals(wanted));
    }
}
