using Microsoft.Extensions.Logging;
using Spgd.Contracts.Devices;

namespace Spgd.Grains.Jobs;

/// <summary>
/// When a job is cancelled, tells each silo holding its running attempts to stop them now (<see cref="ISiloDeviceGrain"/>),
/// so a device is free within one network evaluation rather than at the worker's next heartbeat. Best-effort: the calls
/// are not awaited by the cancel, and a lost one (a dead silo, a failed call) only leaves the heartbeat to tell the worker.
/// </summary>
internal sealed class CancellationFanOut(IGrainFactory grains, IClusterMembershipService membership, ILogger logger)
{
    /// <summary>Starts the calls for <paramref name="inFlight"/> (taken from the ledger before it cancelled) and returns at once.</summary>
    public void Send(string jobId, IReadOnlyList<(int Index, int Attempt, string? Holder)> inFlight)
    {
        if (inFlight.Count == 0) return;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString());
        foreach (var (silo, attempts) in Targets(inFlight, active)) SendAsync(jobId, silo, attempts).Ignore();
    }

    /// <summary>
    /// Which silo is told which attempts: each attempt its holder; an attempt whose holder the ledger does not know (the job
    /// was restored from storage, which keeps no holders, and no heartbeat has named one since) every active silo, since any
    /// of them may run it (the others hold nothing of it, and ignore it).
    /// </summary>
    internal static IReadOnlyDictionary<string, List<(int Index, int Attempt)>> Targets(
        IEnumerable<(int Index, int Attempt, string? Holder)> inFlight, IEnumerable<string> activeSilos)
    {
        var targets = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        List<(int, int)>? unknown = null;
        foreach (var (index, attempt, holder) in inFlight)
        {
            if (holder is null) (unknown ??= []).Add((index, attempt));
            else (targets.TryGetValue(holder, out var list) ? list : targets[holder] = []).Add((index, attempt));
        }
        if (unknown is not null)
            foreach (var silo in activeSilos)
                (targets.TryGetValue(silo, out var list) ? list : targets[silo] = []).AddRange(unknown);
        return targets;
    }

    private async Task SendAsync(string jobId, string silo, List<(int Index, int Attempt)> attempts)
    {
        try
        {
            var stopped = await grains.GetGrain<ISiloDeviceGrain>(silo).CancelAsync(jobId, [.. attempts.Select(a => a.Index)], [.. attempts.Select(a => a.Attempt)]);
            logger.LogDebug("Job {Job}: silo {Silo} stops {Stopped} of the {Count} attempt(s) it was told of", jobId, silo, stopped, attempts.Count);
        }
        catch (Exception e)
        {
            logger.LogInformation("Job {Job}: silo {Silo} could not be told of the cancellation ({Error}); its workers learn at their next heartbeat",
                jobId, silo, e.Message);
        }
    }
}
