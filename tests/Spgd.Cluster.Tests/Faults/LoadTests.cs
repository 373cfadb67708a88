using System.Diagnostics;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Xunit.Abstractions;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// Load on real processes: a 2,000-item job on the simulated device (100 ms per item, 2 compute silos × 8 slots)
/// with a control-plane silo, Redis membership and Azurite storage. Prints the measured throughput.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LoadTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_thousand_items_on_three_silos_complete_each_once()
    {
        var storage = new FaultStorage(azurite);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString);
        cluster.AddSilo("control");
        cluster.AddSilo("compute-a", "cpu", slots: 8, simulateMs: 100);
        cluster.AddSilo("compute-b", "cpu", slots: 8, simulateMs: 100);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));
        await using var client = await cluster.ConnectAsync();

        var clock = Stopwatch.StartNew();
        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), "submit", "--id", "load-2k", "--images", "1000",
            "--task", "inpainting_random", "--task", "gaussian_blur", "--steps", "4", "--warmup", "2");
        Assert.True(submit.ExitCode == 0, submit.Output);
        var status = await ProcessCluster.WaitForAsync(client.Client, "load-2k", s => s.IsTerminal, TimeSpan.FromMinutes(4));
        var seconds = clock.Elapsed.TotalSeconds;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        output.WriteLine($"2,000 items in {seconds:0.0} s = {2000 / seconds:0.0} items/s (device capacity 160 items/s; " +
                         $"{status.Retries} retries; 1-min load average {load} on {Environment.ProcessorCount} cores)");

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(2000, status.Succeeded);
        Assert.Equal(0, status.Failed);
        var records = await storage.ItemRecordsAsync("load-2k");
        Assert.Equal(2000, records.Select(r => r.ItemId).Distinct().Count());
        Assert.All(records, r => Assert.Equal(OutcomeKind.Succeeded, r.Kind));
        Assert.Equal(2, records.Select(r => r.Silo).Distinct().Count()); // both compute silos worked
        foreach (var task in new[] { "inpainting_random", "gaussian_blur" })
        {
            var csv = await storage.Open().GetAsync(ItemKeys.TaskMetricsCsv("load-2k", task));
            Assert.NotNull(csv);
            Assert.Equal(1001, System.Text.Encoding.UTF8.GetString(csv.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}
