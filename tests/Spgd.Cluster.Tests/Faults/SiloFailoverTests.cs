using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// Real restorations (spectral prior, 32², T 4, N 2) on three silo processes with Redis membership and Azurite
/// storage; silos are killed with SIGKILL mid-job. Nothing may be lost or counted twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiloFailoverTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    internal static readonly string[] TinyJob = ["--task", "inpainting_random", "--task", "gaussian_blur", "--size", "32", "--steps", "4", "--warmup", "2"];

    [Fact]
    public async Task Killing_a_compute_silo_then_the_job_silo_loses_and_duplicates_nothing()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        cluster.AddSilo("control");
        cluster.AddSilo("compute-a", "cpu", slots: 1);
        cluster.AddSilo("compute-b", "cpu", slots: 1);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));
        await using var client = await cluster.ConnectAsync();

        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), ["submit", "--id", "kill-job", "--images", "40", .. TinyJob]);
        Assert.True(submit.ExitCode == 0, submit.Output);

        var before = await ProcessCluster.WaitForAsync(client.Client, "kill-job", s => s.Succeeded >= 8, TimeSpan.FromMinutes(3));
        Assert.Equal("control", before.Silo); // jobs prefer silos without a device
        // The fault must strike a running job where it hurts: items in flight on the silo about to die (the ledger's view).
        var held = (await ProcessCluster.ItemsAsync(client.Client, "kill-job")).Where(cluster["compute-a"].Holds).ToList();
        await cluster["compute-a"].KillAsync();
        output.WriteLine($"killed compute-a at {before.Succeeded}/{before.Total} holding {held.Count}: {string.Join(", ", held.Select(i => i.ItemId))}");
        Assert.NotEmpty(held);
        // A held item may have finished (record written) between the status read and the kill; every other was lost.
        var recordedAtKill = (await storage.ItemRecordsAsync("kill-job")).Select(r => r.ItemId).ToHashSet();
        var lostAtKill = held.Where(i => !recordedAtKill.Contains(i.ItemId)).ToList();

        var mid = await ProcessCluster.WaitForAsync(client.Client, "kill-job", s => s.Succeeded >= before.Succeeded + 12, TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.Running, mid.State);
        Assert.True(mid.InFlight > 0, $"the job's silo was to die with items in flight: {mid}");
        await cluster[mid.Silo].KillAsync();
        output.WriteLine($"killed the job's silo {mid.Silo} at {mid.Succeeded}/{mid.Total} with {mid.InFlight} in flight");

        var end = await ProcessCluster.WaitForAsync(client.Client, "kill-job", s => s.IsTerminal, TimeSpan.FromMinutes(5));
        output.WriteLine($"ended {end.State} on {end.Silo}: {end.Succeeded} succeeded, {end.Failed} failed, {end.Retries} retries");
        Assert.True(end.State == JobState.Completed, $"{end}\n{cluster.Logs}");
        Assert.Equal(80, end.Succeeded);
        Assert.Equal("compute-b", end.Silo);
        // What compute-a held and had not finished at the kill was dispatched again (a further attempt).
        var after = (await ProcessCluster.ItemsAsync(client.Client, "kill-job")).ToDictionary(i => i.ItemId);
        var redispatched = held.Where(i => after[i.ItemId].Attempts > i.Attempts).ToList();
        output.WriteLine($"held {held.Count}, unfinished at the kill {lostAtKill.Count}, re-dispatched after the kill: {redispatched.Count}");
        Assert.Subset(redispatched.Select(i => i.ItemId).ToHashSet(), lostAtKill.Select(i => i.ItemId).ToHashSet());
        Assert.True(lostAtKill.Count > 0 || end.Retries > 0, "the kill of compute-a lost nothing");

        await AssertNothingLostAsync(storage, "kill-job", images: 40, tasks: ["inpainting_random", "gaussian_blur"]);
        Secrets.AssertAbsent(azurite, cluster.Logs, "silo logs");
        await Secrets.AssertAbsentInStorageAsync(azurite, storage);
    }

    /// <summary>Every item has exactly one restored PNG and one successful record, and each task summary lists each image once.</summary>
    internal static async Task AssertNothingLostAsync(FaultStorage storage, string jobId, int images, string[] tasks)
    {
        var expected = (from t in tasks from i in Enumerable.Range(0, images) select ItemKeys.ItemId(t, $"demo-{i:D3}", 0)).Order().ToList();
        var pngs = await storage.ItemBlobsAsync(jobId, ".png"); // restorations only (FaultStorage leaves out the clean and measurement images)
        Assert.Equal(expected, pngs.Order().ToList());
        var records = await storage.ItemRecordsAsync(jobId);
        Assert.Equal(expected, records.Select(r => r.ItemId).Order().ToList());
        Assert.All(records, r => Assert.Equal(OutcomeKind.Succeeded, r.Kind));
        var names = await storage.Open().ListAsync($"jobs/{jobId}/");
        Assert.DoesNotContain(names, n => n.EndsWith(".tmp", StringComparison.Ordinal));
        foreach (var task in tasks)
        {
            var csv = await storage.Open().GetAsync(ItemKeys.TaskMetricsCsv(jobId, task));
            Assert.NotNull(csv);
            var rows = System.Text.Encoding.UTF8.GetString(csv.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.Equal(images, rows.Count);
            Assert.Equal(images, rows.Select(r => r.Split(',')[0]).Distinct().Count());
        }
    }
}
