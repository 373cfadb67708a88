using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Placement;
using Spgd.Grains.Telemetry;

namespace Spgd.Grains.Jobs;

/// <summary>A job's view of the compute silos: starting an attempt on one, and whether the silo holding an item has died.</summary>
internal sealed class ComputeSilos(IGrainFactory grains, IClusterMembershipService membership, ILogger logger)
{
    /// <summary>Queues <paramref name="item"/> on a compute silo (<paramref name="preferredSilo"/> when it has room); the silo's address, or null when not placed.</summary>
    public async Task<string?> StartAsync(WorkItem item, string? preferredSilo)
    {
        // Opens the item's part of the job's trace; the grain call carries it to the compute silo.
        using var activity = SpgdTelemetry.Source.StartActivity("spgd.dispatch", ActivityKind.Producer, SpgdTelemetry.JobContext(item.JobId));
        activity?.SetTag("spgd.job", item.JobId);
        activity?.SetTag("spgd.item", item.ItemId);
        activity?.SetTag("spgd.attempt", item.Attempt);
        // Set inside this async method, so the hint travels with this one call only.
        if (preferredSilo is not null) RequestContext.Set(PlacementHints.PreferredSilo, preferredSilo);
        try { return await grains.GetGrain<IRestorationGrain>($"{item.JobId}/{item.ItemId}#{item.Attempt}").StartAsync(item); }
        catch (Exception e)
        {
            logger.LogDebug(e, "Job {Job}: could not start {Item}", item.JobId, item.ItemId);
            return null;
        }
    }

    /// <summary>True when the membership has declared the silo at <paramref name="address"/> dead.</summary>
    public bool IsDead(string address)
    {
        try { return membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(address)) == SiloStatus.Dead; }
        catch (FormatException) { return false; }
    }
}
