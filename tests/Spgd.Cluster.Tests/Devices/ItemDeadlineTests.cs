using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Grains.Devices;
using Spgd.Grains.Telemetry;

namespace Spgd.Cluster.Tests.Devices;

/// <summary>
/// Item deadlines on a one-slot device: a runner that ignores its cancellation (a hung kernel) loses its item, the slot
/// gets a new thread and the job finishes around it; liveness fails while the hung run stays on the device.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ItemDeadlineTests
{
    private static DeviceOptions OneSlot(TimeSpan deadline) => new()
    {
        Device = "cpu", Slots = 1, ItemDeadline = deadline, CancelGrace = TimeSpan.FromMilliseconds(500), StallTimeout = TimeSpan.FromSeconds(3),
    };

    [Fact]
    public async Task A_hanging_runner_fails_its_item_at_the_deadline_frees_the_slot_spends_one_attempt_and_fails_liveness()
    {
        var hang = new HangingRunner(hangOn: ItemKeys.ItemId("inpainting_random", "demo-000", 0));
        var deadlineFailures = 0L;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (i, l) => { if (i.Meter.Name == SpgdTelemetry.Name && i.Name == "spgd.items.failed") l.EnableMeasurementEvents(i); };
        meters.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            string? job = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == SpgdTelemetry.JobTag) job = tag.Value as string;
                if (tag.Key == SpgdTelemetry.ReasonTag) reason = tag.Value as string;
            }
            if (job == "job-hang" && reason == "deadline") Interlocked.Add(ref deadlineFailures, v);
        });
        meters.Start();
        DeviceExecutor? executor = null;
        // Leases far longer than the test: the only way the item can fail here is its deadline.
        await using var cluster = await SpgdTestCluster.StartAsync([OneSlot(TimeSpan.FromSeconds(2)), null],
            runner: (_, sp) => { executor = sp.GetRequiredService<DeviceExecutor>(); return hang; },
            jobOptions: j => j.LeaseTimeout = TimeSpan.FromMinutes(2));
        try
        {
            await cluster.Client.GetGrain<IJobGrain>("job-hang").SubmitAsync(TestJobs.Demo(images: 3, taskCount: 1));
            var end = await cluster.WaitForEndAsync("job-hang", TimeSpan.FromMinutes(1));

            // The fault struck: the first attempt of the item is still blocked in the runner (nothing released it) ...
            Assert.Equal(1, hang.Hanging);
            // ... and yet every item succeeded on the device's only slot, so the slot was given a new thread.
            Assert.Equal(JobState.Completed, end.State);
            Assert.Equal(3, end.Succeeded);
            Assert.Equal(1, Interlocked.Read(ref deadlineFailures)); // failed by its deadline, once
            Assert.Equal(1, end.Retries);
            var items = await cluster.Client.GetGrain<IJobGrain>("job-hang").GetItemsAsync();
            Assert.Equal(2, items.Single(i => i.ItemId == hang.HangOn).Attempts); // the hung attempt counted once, then a retry
            Assert.All(items.Where(i => i.ItemId != hang.HangOn), i => Assert.Equal(1, i.Attempts));

            // The hung run is still on the device: past its deadline + stall bound the silo is no longer live.
            Assert.NotNull(executor);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (executor!.IsLive && DateTime.UtcNow < until) await Task.Delay(100);
            Assert.False(executor.IsLive);
            Assert.Contains(hang.HangOn, executor.StallReason);
        }
        finally
        {
            hang.Release();
        }

        // Once the runner returns, its result is dropped (the item was settled) and liveness comes back.
        var back = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!executor!.IsLive && DateTime.UtcNow < back) await Task.Delay(100);
        Assert.True(executor.IsLive, executor.StallReason);
        Assert.Null(executor.StallReason);
    }

    [Fact]
    public async Task A_runner_cancelled_at_its_deadline_fails_the_item_with_that_reason_once_attempts_are_spent()
    {
        var runner = new WaitForCancellationRunner();
        await using var cluster = await SpgdTestCluster.StartAsync([OneSlot(TimeSpan.FromSeconds(1)), null],
            runner: (_, _) => runner, jobOptions: j => { j.MaxAttempts = 2; j.LeaseTimeout = TimeSpan.FromMinutes(2); });
        await cluster.Client.GetGrain<IJobGrain>("job-slow").SubmitAsync(TestJobs.Demo(images: 1, taskCount: 1));
        var end = await cluster.WaitForEndAsync("job-slow", TimeSpan.FromMinutes(1));

        Assert.Equal(JobState.Failed, end.State);
        Assert.Equal(2, runner.Cancelled); // each attempt was cancelled by its deadline, not by a stop
        var item = Assert.Single(await cluster.Client.GetGrain<IJobGrain>("job-slow").GetItemsAsync());
        Assert.Equal(2, item.Attempts);
        var record = await cluster.Store.Blobs.GetAsync(ItemKeys.ItemJson("job-slow", item.ItemId));
        Assert.NotNull(record);
        var outcome = System.Text.Json.JsonSerializer.Deserialize<ItemOutcome>(record.Content, ItemJson.Options)!;
        Assert.Contains("exceeded its deadline of 1 s on cpu", outcome.Error);
    }

    private sealed class HangingRunner(string hangOn) : IWorkItemRunner
    {
        private readonly ManualResetEventSlim _release = new();
        private int _hanging;

        public string HangOn => hangOn;
        public int Hanging => Volatile.Read(ref _hanging);

        public void Release() => _release.Set();

        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
        {
            if (item.ItemId == hangOn && item.Attempt == 1)
            {
                Interlocked.Increment(ref _hanging);
                _release.Wait(); // ignores the cancellation, like a kernel that never returns
                Interlocked.Decrement(ref _hanging);
            }
            return new RunResult(new ItemMetrics(30, 0.9, null), 8, 1);
        }
    }

    private sealed class WaitForCancellationRunner : IWorkItemRunner
    {
        private int _cancelled;
        public int Cancelled => Volatile.Read(ref _cancelled);

        public RunResult Run(WorkItem item, string device, CancellationToken cancellationToken)
        {
            if (!cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMinutes(2))) throw new TimeoutException("never cancelled");
            Interlocked.Increment(ref _cancelled);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("unreachable");
        }
    }
}
