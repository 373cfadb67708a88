using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Grains.Devices;

namespace Spgd.Cluster.Tests;

/// <summary>Jobs on the simulated device: placement, exactly-once accounting and silo failures.</summary>
[Collection(ClusterCollection.Name)]
public sealed class JobOrchestrationTests
{
    private static readonly string[] ComputeSilos = ["Silo_0", "Silo_1"];

    private static Task<SpgdTestCluster> StartTwoComputeOneControlAsync(TimeSpan serviceTime) =>
        SpgdTestCluster.StartAsync([
            SpgdTestCluster.Simulated(2, serviceTime),
            SpgdTestCluster.Simulated(2, serviceTime),
            null,
        ]);

    [Fact]
    public async Task Job_runs_only_on_compute_silos_and_counts_every_item_once()
    {
        await using var cluster = await StartTwoComputeOneControlAsync(TimeSpan.FromMilliseconds(200));
        var definition = TestJobs.Demo(images: 8, taskCount: 3);
        var expected = TestJobs.ItemIds(definition, TestJobs.DemoImageIds(8)).ToHashSet();
        Assert.Equal(24, expected.Count);

        var submitted = await cluster.Client.GetGrain<IJobGrain>("job-a").SubmitAsync(definition);
        Assert.Equal(JobState.Running, submitted.State);
        Assert.Equal("Silo_2", submitted.Silo); // the only silo without a device hosts the job
        var status = await cluster.WaitForEndAsync("job-a", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(24, status.Succeeded);
        Assert.All(cluster.Log.RestorationCalls, c => Assert.Contains(c.Silo, ComputeSilos));
        Assert.All(cluster.Log.Executions, e => Assert.Contains(e.Silo, ComputeSilos));
        Assert.Equal(2, cluster.Log.Executions.Select(e => e.Silo).Distinct().Count());
        Assert.Equal(expected, cluster.Log.Executions.Select(e => e.ItemId).ToHashSet());

        var counted = new List<string>();
        foreach (var task in TestJobs.Tasks)
        {
            var summary = JsonSerializer.Deserialize<TaskSummary>(cluster.Store.Text(ItemKeys.TaskSummary("job-a", task)), ItemJson.Options)!;
            Assert.Equal(8, summary.Count);
            Assert.Equal(8, summary.Succeeded);
            Assert.Equal(8, summary.Psnr!.Count);
            using var document = JsonDocument.Parse(cluster.Store.Text(ItemKeys.TaskSummary("job-a", task)));
            Assert.Equal(8, document.RootElement.GetProperty("statistics").GetProperty("succeeded").GetInt32());
            var csvRows = cluster.Store.Text(ItemKeys.TaskMetricsCsv("job-a", task)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.Equal(8, csvRows.Count);
            counted.AddRange(csvRows.Select(r => r.Split(',')[0]));
        }

        Assert.Equal(expected.Order(), counted.Order());
        Assert.All(expected, id => Assert.True(cluster.Store.Exists(ItemKeys.ItemJson("job-a", id)), id));
        var table = cluster.Store.Text(ItemKeys.EvaluationMarkdown("job-a"));
        Assert.Contains("**demo**", table);
        Assert.Contains("gaussian_blur PSNR↑", table);
    }

    [Fact]
    public async Task Killing_a_compute_silo_mid_job_still_completes_every_item_once()
    {
        // Attempts lost to the kill are counted by the job (an operator's "silo died" signal).
        var lost = 0L;
        using var meters = new System.Diagnostics.Metrics.MeterListener();
        meters.InstrumentPublished = (i, l) => { if (i.Meter.Name == Spgd.Grains.Telemetry.SpgdTelemetry.Name && i.Name == "spgd.items.lost") l.EnableMeasurementEvents(i); };
        meters.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == Spgd.Grains.Telemetry.SpgdTelemetry.JobTag && tag.Value as string == "job-b") Interlocked.Add(ref lost, v);
        });
        meters.Start();
        await using var cluster = await StartTwoComputeOneControlAsync(TimeSpan.FromMilliseconds(400));
        var definition = TestJobs.Demo(images: 12, taskCount: 3);
        var expected = TestJobs.ItemIds(definition, TestJobs.DemoImageIds(12)).ToHashSet();
        await cluster.Client.GetGrain<IJobGrain>("job-b").SubmitAsync(definition);

        await cluster.WaitForAsync("job-b", s => s.Finished >= 6, TimeSpan.FromMinutes(1));
        // Kill while Silo_1 is running an item (started, not finished), so that the kill must cost a lost attempt.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!RunningOn(cluster.Log, "Silo_1") && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.True(RunningOn(cluster.Log, "Silo_1"), "Silo_1 never had an item running");
        await cluster.Cluster.KillSiloAsync(cluster.Silo("Silo_1"));
        var status = await cluster.WaitForEndAsync("job-b", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(expected.Count, status.Succeeded);
        Assert.True(status.Retries >= 1, "the killed silo's items should have been dispatched again");
        Assert.True(Interlocked.Read(ref lost) >= 1, "the killed silo's running item should have been counted as lost");
        Assert.Contains(cluster.Log.Executions, e => e.Silo == "Silo_1");
        var counted = new List<string>();
        foreach (var task in TestJobs.Tasks)
        {
            var summary = await cluster.Client.GetGrain<IAggregatorGrain>($"job-b/{task}").GetSummaryAsync();
            Assert.Equal(12, summary.Count);
            Assert.Empty(summary.Failures);
            counted.AddRange(cluster.Store.Text(ItemKeys.TaskMetricsCsv("job-b", task))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')[0]));
        }

        Assert.Equal(expected.Order(), counted.Order());
    }

    [Fact]
    public async Task Killing_the_job_silo_resumes_from_persisted_state_without_redoing_finished_items()
    {
        await using var cluster = await StartTwoComputeOneControlAsync(TimeSpan.FromMilliseconds(300));
        var definition = TestJobs.Demo(images: 12, taskCount: 2);
        var expected = TestJobs.ItemIds(definition, TestJobs.DemoImageIds(12)).ToHashSet();
        var submitted = await cluster.Client.GetGrain<IJobGrain>("job-c").SubmitAsync(definition);
        Assert.Equal("Silo_2", submitted.Silo);

        await cluster.WaitForAsync("job-c", s => s.Finished >= 8, TimeSpan.FromMinutes(1));
        var finishedBeforeKill = (await cluster.Client.GetGrain<IJobGrain>("job-c").GetItemsAsync())
            .Where(i => i.State == ItemState.Succeeded).Select(i => i.ItemId).ToList();
        await cluster.Cluster.KillSiloAsync(cluster.Silo("Silo_2"));
        var status = await cluster.WaitForEndAsync("job-c", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.NotEqual("Silo_2", status.Silo);
        Assert.True(finishedBeforeKill.Count >= 8 && finishedBeforeKill.Count < expected.Count, $"{finishedBeforeKill.Count} finished before the kill");
        Assert.All(finishedBeforeKill, id => Assert.Equal(1, cluster.Log.ExecutionsOf(id)));
        Assert.Equal(expected, cluster.Log.Executions.Select(e => e.ItemId).ToHashSet());
        foreach (var task in definition.Tasks)
        {
            var summary = await cluster.Client.GetGrain<IAggregatorGrain>($"job-c/{task.Name}").GetSummaryAsync();
            Assert.Equal(12, summary.Count);
            Assert.Equal(12, summary.Succeeded);
        }
    }

    [Fact]
    public async Task Stopping_a_compute_silo_gracefully_hands_queued_items_back_without_spending_attempts()
    {
        await using var cluster = await StartTwoComputeOneControlAsync(TimeSpan.FromMilliseconds(500));
        var definition = TestJobs.Demo(images: 10, taskCount: 2);
        await cluster.Client.GetGrain<IJobGrain>("job-g").SubmitAsync(definition);

        await cluster.WaitForAsync("job-g", s => s.Finished >= 4, TimeSpan.FromMinutes(1));
        await cluster.Cluster.StopSiloAsync(cluster.Silo("Silo_1"));
        var status = await cluster.WaitForEndAsync("job-g", TimeSpan.FromMinutes(2));

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(0, status.Retries);
        var items = await cluster.Client.GetGrain<IJobGrain>("job-g").GetItemsAsync();
        Assert.All(items, i => Assert.Equal(1, i.Attempts));
        Assert.All(items, i => Assert.Equal(1, cluster.Log.ExecutionsOf(i.ItemId)));
    }

    [Fact]
    public async Task Cancelling_a_job_stops_dispatching_its_items()
    {
        await using var cluster = await StartTwoComputeOneControlAsync(TimeSpan.FromMilliseconds(1000));
        var definition = TestJobs.Demo(images: 20, taskCount: 2);
        var job = cluster.Client.GetGrain<IJobGrain>("job-x");
        await job.SubmitAsync(definition);
        await cluster.WaitForAsync("job-x", s => s.InFlight > 0, TimeSpan.FromMinutes(1));

        await job.CancelAsync();
        var status = await job.GetStatusAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // long enough for everything started to finish

        Assert.Equal(JobState.Cancelled, status.State);
        Assert.True(cluster.Log.Executions.Count <= 8, $"{cluster.Log.Executions.Count} items ran after a cancel with a window of 8");
        Assert.Equal(JobState.Cancelled, (await job.GetStatusAsync()).State);
    }

    private static bool RunningOn(ExecutionLog log, string silo) =>
        log.Attempts.Where(a => a.Silo == silo).Select(a => a.ItemId).GroupBy(i => i)
            .Any(g => g.Count() > log.Executions.Count(e => e.Silo == silo && e.ItemId == g.Key));
}
