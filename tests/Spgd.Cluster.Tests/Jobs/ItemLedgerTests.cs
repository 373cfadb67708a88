using Spgd.Contracts.Jobs;
using Spgd.Grains.Jobs;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>The ledger's transitions one at a time (the simulation drives them in combination).</summary>
public sealed class ItemLedgerTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly LedgerPolicy Policy = new(MaxAttempts: 2, LeaseTimeout: TimeSpan.FromSeconds(10),
        RetryDelay: _ => TimeSpan.FromSeconds(1), InfrastructureDelay: n => TimeSpan.FromSeconds(n));

    private static ItemLedger Ledger(int items) => new(new byte[items], new byte[items], Policy);

    [Fact]
    public void Infrastructure_failures_never_spend_attempts()
    {
        var ledger = Ledger(1);
        var now = T0;
        for (var k = 0; k < 50; k++)
        {
            var (index, attempt) = Assert.Single(ledger.Dispatch(now, window: 1));
            Assert.Equal(1, attempt);
            Assert.Equal(LedgerChange.Retrying, ledger.FailedByInfrastructure(index, attempt, now));
            Assert.Empty(ledger.Dispatch(now, window: 1)); // backing off
            now += TimeSpan.FromSeconds(k + 2);
        }

        Assert.Equal(ItemState.Pending, ledger.StatusOf(0));
        Assert.Equal(0, ledger.AttemptsOf(0));
        var last = Assert.Single(ledger.Dispatch(now, 1));
        Assert.Equal(LedgerChange.Succeeded, ledger.Succeeded(last.Index));
    }

    [Fact]
    public void The_items_own_transient_failures_spend_attempts_until_the_item_fails()
    {
        var ledger = Ledger(1);
        var first = Assert.Single(ledger.Dispatch(T0, 1));
        Assert.Equal(LedgerChange.Retrying, ledger.FailedByItself(0, first.Attempt, final: false, T0));
        var second = Assert.Single(ledger.Dispatch(T0.AddSeconds(1), 1));
        Assert.Equal(2, second.Attempt);
        Assert.Equal(LedgerChange.None, ledger.FailedByItself(0, first.Attempt, final: false, T0)); // stale
        Assert.Equal(LedgerChange.FailedDeclared, ledger.FailedByItself(0, second.Attempt, final: false, T0));
        Assert.Equal(ItemState.Failed, ledger.StatusOf(0));
    }

    [Fact]
    public void A_deterministic_failure_ends_the_item_at_once()
    {
        var ledger = Ledger(1);
        var (index, attempt) = Assert.Single(ledger.Dispatch(T0, 1));
        Assert.Equal(LedgerChange.Failed, ledger.FailedByItself(index, attempt, final: true, T0));
        Assert.Empty(ledger.Dispatch(T0.AddHours(1), 1));
        Assert.True(ledger.AllEnded);
    }

    [Fact]
    public void A_restored_ledger_leases_dispatched_items_afresh_and_expires_them_later()
    {
        var ledger = Ledger(3);
        var batch = ledger.Dispatch(T0, 2);
        Assert.Equal(2, batch.Count);
        var status = new byte[3];
        var attempts = new byte[3];
        for (var i = 0; i < 3; i++) { status[i] = (byte)ledger.StatusOf(i); attempts[i] = (byte)ledger.AttemptsOf(i); }

        var restored = ItemLedger.Restore(status, attempts, Policy, 0, T0.AddSeconds(100));
        Assert.Equal(2, restored.InFlight);
        Assert.Empty(restored.ExpireLeases(T0.AddSeconds(105)));
        var lost = restored.ExpireLeases(T0.AddSeconds(111));
        Assert.Equal([0, 1], lost.Select(l => l.Index).Order());
        Assert.All(lost, l => Assert.Equal(LedgerChange.Retrying, l.Change));
    }

    [Fact]
    public void A_lost_silo_gives_back_only_its_items()
    {
        var ledger = Ledger(2);
        var batch = ledger.Dispatch(T0, 2);
        ledger.Placed(batch[0].Index, batch[0].Attempt, "a");
        ledger.Placed(batch[1].Index, batch[1].Attempt, "b");
        var lost = Assert.Single(ledger.SiloLost("a", T0));
        Assert.Equal((batch[0].Index, LedgerChange.Retrying), lost);
        Assert.Equal(ItemState.Dispatched, ledger.StatusOf(batch[1].Index));
    }

    [Fact]
    public void Items_not_started_are_refunded_and_cancel_ends_everything_unfinished()
    {
        var ledger = Ledger(3);
        var batch = ledger.Dispatch(T0, 3);
        Assert.True(ledger.NotStarted(batch[0].Index, batch[0].Attempt));
        Assert.Equal(0, ledger.AttemptsOf(batch[0].Index));
        Assert.Equal(LedgerChange.Succeeded, ledger.Succeeded(batch[1].Index));
        Assert.Equal(1, ledger.Cancel());
        Assert.Equal([ItemState.Cancelled, ItemState.Succeeded, ItemState.Cancelled], Enumerable.Range(0, 3).Select(ledger.StatusOf));
        Assert.False(ledger.Heartbeat(batch[2].Index, batch[2].Attempt, T0, out _));
        Assert.True(ledger.AllEnded);
    }

    [Fact]
    public void A_workers_record_overrides_a_failure_declared_from_silence()
    {
        var ledger = new ItemLedger(new byte[1], new byte[1], Policy with { MaxAttempts = 1 });
        Assert.Single(ledger.Dispatch(T0, 1));
        var (_, change) = Assert.Single(ledger.ExpireLeases(T0.AddMinutes(1)));
        Assert.Equal(LedgerChange.FailedDeclared, change);
        Assert.Equal(LedgerChange.Succeeded, ledger.Recorded(0, OutcomeKind.Succeeded));
        Assert.Equal(ItemState.Succeeded, ledger.StatusOf(0));
    }
}
