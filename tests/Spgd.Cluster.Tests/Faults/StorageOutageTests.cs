using System.Diagnostics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>Azurite stopped for several seconds mid-job: work waits and retries, nothing is lost, the job completes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_storage_outage_mid_job_delays_it_but_loses_nothing()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        cluster.AddSilo("control");
        cluster.AddSilo("compute", "cpu", slots: 2);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));
        await using var client = await cluster.ConnectAsync();

        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), ["submit", "--id", "outage-job", "--images", "30", .. SiloFailoverTests.TinyJob]);
        Assert.True(submit.ExitCode == 0, submit.Output);
        var before = await ProcessCluster.WaitForAsync(client.Client, "outage-job", s => s.Succeeded >= 10, TimeSpan.FromMinutes(2));

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

        var end = await ProcessCluster.WaitForAsync(client.Client, "outage-job", s => s.IsTerminal, TimeSpan.FromMinutes(3));
        output.WriteLine($"ended {end.State}: {end.Succeeded} succeeded, {end.Failed} failed, {end.Retries} retries");
        Assert.True(end.State == JobState.Completed, $"{end}\n{cluster.Logs}");
        Assert.Equal(60, end.Succeeded);
        await SiloFailoverTests.AssertNothingLostAsync(storage, "outage-job", images: 30, tasks: ["inpainting_random", "gaussian_blur"]);
        Secrets.AssertAbsent(azurite, cluster.Logs, "silo logs");
    }
}
