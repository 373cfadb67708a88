using System.Diagnostics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// Azurite stopped for a minute mid-job: storage failures are not the items' fault, so they back off and wait without
/// spending attempts (four attempts would otherwise be gone in about fifteen seconds), nothing is lost, every item succeeds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_minute_long_storage_outage_mid_job_delays_it_but_fails_and_loses_nothing()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        cluster.AddSilo("control");
        cluster.AddSilo("compute", "cpu", slots: 2);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));
        await using var client = await cluster.ConnectAsync();

        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), ["submit", "--id", "outage-job", "--images", "30", .. SiloFailoverTests.TinyJob]);
        Assert.True(submit.ExitCode == 0, submit.Output);
        var before = await ProcessCluster.WaitForAsync(client.Client, "outage-job", s => s.Succeeded >= 10 && s.InFlight > 0, TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.Running, before.State);

        var clock = Stopwatch.StartNew();
        try
        {
            azurite.Stop();
            await Task.Delay(Outage);
        }
        finally
        {
            azurite.Start();
        }
        output.WriteLine($"storage down {clock.Elapsed.TotalSeconds:0.0} s from {before.Succeeded}/{before.Total}");

        var end = await ProcessCluster.WaitForAsync(client.Client, "outage-job", s => s.IsTerminal, TimeSpan.FromMinutes(5));
        output.WriteLine($"ended {end.State}: {end.Succeeded} succeeded, {end.Failed} failed, {end.Retries} retries");
        Assert.True(end.State == JobState.Completed, $"{end}\n{cluster.Logs}");
        Assert.Equal(60, end.Succeeded);
        Assert.Equal(0, end.Failed);

        // The outage struck: storage calls failed (workers' writes, the job's own progress writes) and items went again
        // as infrastructure failures, not as their own.
        var compute = cluster["compute"].AllOutput;
        var control = cluster["control"].AllOutput;
        var failedWrites = Count(compute, "Storage failed for item");
        var failedProgress = Count(control, "progress not persisted");
        var infrastructureRetries = Count(control, "(FailedInfrastructure) goes again");
        output.WriteLine($"during the outage: {failedWrites} item writes failed, {failedProgress} progress writes failed, {infrastructureRetries} items went again");
        Assert.True(failedWrites + failedProgress > 0, $"no storage call failed during the outage\n{cluster.Logs}");
        Assert.True(infrastructureRetries > 0 || failedProgress > 0, $"no item was retried or held back for the outage\n{cluster.Logs}");
        var items = await ProcessCluster.ItemsAsync(client.Client, "outage-job");
        output.WriteLine($"attempts spent: max {items.Max(i => i.Attempts)}, total {items.Sum(i => i.Attempts)} over {items.Count} items");
        await SiloFailoverTests.AssertNothingLostAsync(storage, "outage-job", images: 30, tasks: ["inpainting_random", "gaussian_blur"]);
        Secrets.AssertAbsent(azurite, cluster.Logs, "silo logs");
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
