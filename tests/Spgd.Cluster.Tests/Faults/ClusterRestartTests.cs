using System.Text.RegularExpressions;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// Every silo killed mid-job and started again: the job resumes from storage and does not run again what it had
/// reported finished. Executions are counted from the item spans the silos export (console exporter), which also
/// lets the test check exported span tags for the account key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ClusterRestartTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> ConsoleTelemetry = new() { ["SPGD_TELEMETRY"] = "console" };

    [Fact]
    public async Task A_cluster_killed_whole_and_restarted_resumes_without_redoing_finished_items()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        cluster.AddSilo("control", environment: ConsoleTelemetry);
        cluster.AddSilo("compute", "cpu", slots: 2, environment: ConsoleTelemetry);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));

        IReadOnlyList<ItemStatus> finished, inFlight;
        var endRetries = 0;
        await using (var client = await cluster.ConnectAsync())
        {
            var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), ["submit", "--id", "restart-job", "--images", "30", .. SiloFailoverTests.TinyJob]);
            Assert.True(submit.ExitCode == 0, submit.Output);
            var running = await ProcessCluster.WaitForAsync(client.Client, "restart-job", s => s.Succeeded >= 12, TimeSpan.FromMinutes(3));
            // What the job answers is persisted first, so these must never run again.
            var items = await client.Client.GetGrain<IJobGrain>("restart-job").GetItemsAsync();
            finished = items.Where(i => i.State == ItemState.Succeeded).ToList();
            inFlight = items.Where(i => i.State == ItemState.Dispatched).ToList();
            foreach (var silo in cluster.Silos) await silo.KillAsync();
            // The kill must land on a running job with work in flight, or the restart proves nothing.
            Assert.Equal(JobState.Running, running.State);
            Assert.NotEmpty(inFlight);
        }
        var executedBefore = ItemSpans(cluster.Logs);
        // Silos die one after the other, so an item in flight at the status read may still have finished (record
        // written) before its silo died; those may or may not run again. Every other one was lost and must run again.
        var recordedAtKill = (await storage.ItemRecordsAsync("restart-job")).Select(r => r.ItemId).ToHashSet();
        var lostAtKill = inFlight.Where(i => !recordedAtKill.Contains(i.ItemId)).ToList();
        output.WriteLine($"killed every silo with {finished.Count} items reported finished, {inFlight.Count} in flight, {executedBefore.Count} item spans so far");

        foreach (var silo in cluster.Silos) silo.Start();
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));
        await using (var client = await cluster.ConnectAsync())
        {
            var end = await ProcessCluster.WaitForAsync(client.Client, "restart-job", s => s.IsTerminal, TimeSpan.FromMinutes(5));
            output.WriteLine($"ended {end.State}: {end.Succeeded} succeeded, {end.Failed} failed, {end.Retries} retries");
            Assert.True(end.State == JobState.Completed, $"{end}\n{cluster.Logs}");
            Assert.Equal(60, end.Succeeded);
            endRetries = end.Retries;
        }

        var after = ItemSpans(string.Join("\n", cluster.Silos.Select(s => s.AllOutput)));
        var rerun = after.Except(executedBefore).ToList();
        output.WriteLine($"{after.Count} item spans in all, {rerun.Count} after the restart");
        foreach (var item in finished)
            Assert.DoesNotContain(item.ItemId, rerun.Select(r => r.ItemId));
        // Whatever had not succeeded before the kill ran after the restart. An item that succeeded between the status
        // read above and the kill may or may not run again, depending on whether the job persisted its report in time
        // (refills persist progress as they dispatch), so it is allowed either way.
        var all = (from t in new[] { "inpainting_random", "gaussian_blur" } from i in Enumerable.Range(0, 30) select ItemKeys.ItemId(t, $"demo-{i:D3}", 0)).ToHashSet();
        var succeededBefore = executedBefore.Where(r => r.Outcome == "Succeeded").Select(r => r.ItemId).ToHashSet();
        var rerunSucceeded = rerun.Where(r => r.Outcome == "Succeeded").Select(r => r.ItemId).ToHashSet();
        Assert.Subset(rerunSucceeded, all.Except(succeededBefore).ToHashSet());
        Assert.Subset(all.Except(finished.Select(i => i.ItemId)).ToHashSet(), rerunSucceeded);
        // Items in flight at the kill and not finished by then ran again after the restart.
        var inFlightRerun = inFlight.Where(i => rerunSucceeded.Contains(i.ItemId)).ToList();
        output.WriteLine($"in flight at the kill: {inFlight.Count}, of them unfinished at the kill: {lostAtKill.Count}, run again after the restart: {inFlightRerun.Count}");
        Assert.Subset(rerunSucceeded, lostAtKill.Select(i => i.ItemId).ToHashSet());
        // The restart had work to redo: items lost at the kill were dispatched again (attempts spent by lapsed leases).
        Assert.True(lostAtKill.Count > 0 || endRetries > 0, "the kill lost nothing: no item was in flight unfinished");
        await SiloFailoverTests.AssertNothingLostAsync(storage, "restart-job", images: 30, tasks: ["inpainting_random", "gaussian_blur"]);

        Assert.Contains("spgd.item", cluster.Logs); // spans were exported, so the check below covers their tags
        Secrets.AssertAbsent(azurite, cluster.Logs, "silo logs and exported spans");
        await Secrets.AssertAbsentInStorageAsync(azurite, storage);
    }

    /// <summary>Item spans printed by the console exporter: one per (span id), with item id and outcome.</summary>
    private static HashSet<(string SpanId, string ItemId, string Outcome)> ItemSpans(string logs)
    {
        var spans = new HashSet<(string, string, string)>();
        foreach (var block in logs.Split("Activity.TraceId:").Skip(1))
        {
            if (!Regex.IsMatch(block, @"Activity\.DisplayName:\s+spgd\.item\s")) continue;
            string Tag(string name) => Regex.Match(block, $@"\s{Regex.Escape(name)}:\s*(\S+)").Groups[1].Value;
            var span = Regex.Match(block, @"Activity\.SpanId:\s+(\S+)").Groups[1].Value;
            spans.Add((span, ItemKeys.ItemId(Tag("spgd.task"), Tag("spgd.image"), int.Parse(Tag("spgd.run"))), Tag("spgd.outcome")));
        }
        return spans;
    }
}
