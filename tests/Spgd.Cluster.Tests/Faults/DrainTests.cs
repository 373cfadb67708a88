using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// SIGTERM, as Kubernetes sends it when it deletes a pod: the silo stops taking work, lets its running item run for the
/// drain time, then cancels it and hands it back to its job (the attempt refunded), and leaves the cluster.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DrainTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_in_the_middle_of_a_long_item_hands_it_back_without_spending_its_attempt_and_the_job_completes()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        // No silo is killed here: leases far longer than the test, so only the drain can move the item.
        var longLease = new Dictionary<string, string> { ["Spgd__Jobs__LeaseTimeout"] = "00:02:00" };
        cluster.AddSilo("control", environment: longLease);
        // A 10-minute item; a 12-s grace period gives a 9-s host shutdown and a 6-s drain (DrainPlan).
        var draining = cluster.AddSilo("compute-a", "cpu", slots: 1, simulateMs: 600_000,
            environment: new Dictionary<string, string>(longLease) { ["SPGD_SHUTDOWN_GRACE_SECONDS"] = "12" });
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));

        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1),
            ["submit", "--id", "drain-job", "--images", "1", "--task", "inpainting_random", "--size", "32", "--steps", "4", "--warmup", "2"]);
        Assert.True(submit.ExitCode == 0, submit.Output);
        await using var client = await cluster.ConnectAsync();
        // compute-a is the only device: the item is running there.
        await ProcessCluster.WaitForAsync(client.Client, "drain-job", s => s.InFlight == 1, TimeSpan.FromMinutes(1));

        var taker = cluster.AddSilo("compute-b", "cpu", slots: 1, simulateMs: 200, environment: longLease);
        await taker.Process!.WaitForOutputAsync("ready with", TimeSpan.FromMinutes(2));
        var exit = await draining.TerminateAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(draining.AllOutput);

        Assert.Equal(0, exit); // it shut down by itself, not killed
        Assert.Contains("Drain: 1 run(s) still on cpu", draining.AllOutput);
        Assert.Contains("running, cancelled by the drain", draining.AllOutput);

        var end = await ProcessCluster.WaitForAsync(client.Client, "drain-job", s => s.IsTerminal, TimeSpan.FromMinutes(2));
        Assert.True(end.State == JobState.Completed, $"{end}\n{cluster.Logs}");
        Assert.Equal(1, end.Succeeded);
        Assert.Equal(0, end.Retries); // handed back, not retried after a lapsed lease
        var item = Assert.Single(await client.Client.GetGrain<IJobGrain>("drain-job").GetItemsAsync());
        Assert.Equal(1, item.Attempts); // the drained attempt was refunded
        var record = Assert.Single(await storage.ItemRecordsAsync("drain-job"));
        Assert.Equal("compute-b", record.Silo);
        Assert.Equal(1, record.Attempt);
    }
}
