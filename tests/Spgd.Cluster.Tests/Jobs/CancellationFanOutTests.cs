using Spgd.Grains.Jobs;

namespace Spgd.Cluster.Tests.Jobs;

/// <summary>Which silos a cancelled job tells to stop which attempts.</summary>
public sealed class CancellationFanOutTests
{
    [Fact]
    public void Each_attempt_goes_to_its_holder_only()
    {
        var targets = CancellationFanOut.Targets([(0, 1, "a"), (1, 2, "b"), (2, 1, "a")], ["a", "b", "c"]);

        Assert.Equal(["a", "b"], targets.Keys.Order());
        Assert.Equal([(0, 1), (2, 1)], targets["a"]);
        Assert.Equal([(1, 2)], targets["b"]);
    }

    [Fact]
    public void An_attempt_whose_holder_is_unknown_goes_to_every_active_silo()
    {
        // Holder unknown: the job was restored, or a heartbeat took a lapsed lease back.
        var targets = CancellationFanOut.Targets([(0, 1, "a"), (5, 3, null)], ["a", "b"]);

        Assert.Equal([(0, 1), (5, 3)], targets["a"]);
        Assert.Equal([(5, 3)], targets["b"]);
    }

    [Fact]
    public void Nothing_in_flight_tells_nobody()
    {
        Assert.Empty(CancellationFanOut.Targets([], ["a", "b"]));
    }

    [Fact]
    public void The_ledger_names_the_attempts_in_flight_with_their_holders_before_it_cancels()
    {
        var ledger = new ItemLedger(new byte[3], new byte[3], LedgerPolicy.From(new JobOptions()));
        var batch = ledger.Dispatch(DateTime.UnixEpoch, 3);
        ledger.Placed(batch[0].Index, batch[0].Attempt, "a");
        ledger.Succeeded(batch[1].Index);

        Assert.Equal([(0, 1, "a"), (2, 1, (string?)null)], ledger.InFlightAttempts().OrderBy(a => a.Index));
        ledger.Cancel();
        Assert.Empty(ledger.InFlightAttempts());
    }

    [Fact]
    public void A_lease_taken_back_by_a_heartbeat_keeps_the_holder_the_heartbeat_names()
    {
        var policy = LedgerPolicy.From(new JobOptions());
        var ledger = new ItemLedger(new byte[1], new byte[1], policy);
        var (index, attempt) = ledger.Dispatch(DateTime.UnixEpoch, 1)[0];
        ledger.Placed(index, attempt, "a");
        var late = DateTime.UnixEpoch + policy.LeaseTimeout + TimeSpan.FromSeconds(1);
        Assert.Single(ledger.ExpireLeases(late)); // the worker went quiet: the item waits for a retry
        var unwanted = ledger.Heartbeats([index], [attempt], late, out var takenBack, "a"); // ...but it was alive: taken back
        Assert.Empty(unwanted);
        Assert.True(takenBack);

        Assert.Equal([(index, attempt, (string?)"a")], ledger.InFlightAttempts());
        var targets = CancellationFanOut.Targets(ledger.InFlightAttempts(), ["a", "b"]);
        Assert.Equal([(index, attempt)], targets["a"]);
        Assert.False(targets.ContainsKey("b")); // the cancel reaches the holder alone
    }
}
