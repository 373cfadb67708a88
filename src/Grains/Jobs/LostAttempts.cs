using Spgd.Grains.Telemetry;

namespace Spgd.Grains.Jobs;

/// <summary>
/// The attempts a job loses on a tick: items whose leases lapsed, and items held by silos the membership declared
/// dead. Each loss is counted (<c>spgd.items.lost</c>, reason <c>lease_expired</c> or <c>silo_lost</c>): an
/// operator's signal that workers die or hang.
/// </summary>
internal static class LostAttempts
{
    /// <summary>Applies both kinds of loss to <paramref name="ledger"/>; the changes the caller must apply.</summary>
    public static List<(int Index, LedgerChange Change)> Collect(ItemLedger ledger, string jobId, Func<string, bool> isDead, DateTime now)
    {
        var lost = ledger.ExpireLeases(now).ToList();
        SpgdTelemetry.CountLost(jobId, lost.Count, "lease_expired");
        foreach (var holder in ledger.Holders().Where(isDead))
        {
            var ofSilo = ledger.SiloLost(holder, now);
            SpgdTelemetry.CountLost(jobId, ofSilo.Count, "silo_lost");
            lost.AddRange(ofSilo);
        }

        return lost;
    }
}
