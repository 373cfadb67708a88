using Spgd.Client.Cluster;
using Spgd.Contracts.Jobs;
using Spgd.Tests;

namespace Spgd.Client.Tests.Cluster;

/// <summary>
/// <c>spgd cancel</c> against real silo processes (Redis membership): its output and exit code, and the compute silo
/// stopping its running item at once, though its heartbeats are ten minutes apart (the job's call crossed processes).
/// </summary>
public sealed class CancelCommandTests
{
    [Fact]
    public async Task Spgd_cancel_prints_the_cancelled_job_and_the_compute_silo_stops_its_running_item_without_waiting_for_a_heartbeat()
    {
        var dir = TestPaths.NewTempDir("spgd-cancel");
        var storage = Path.Combine(dir, "store");
        var (redisProcess, clustering) = await RedisServer.StartAsync(dir);
        await using var redis = redisProcess;

        // Heartbeats ten minutes apart and leases longer than the test: only the job's own call can reach the running item.
        var slow = new Dictionary<string, string> { ["Spgd__Device__HeartbeatInterval"] = "00:10:00", ["Spgd__Jobs__LeaseTimeout"] = "00:20:00" };
        await using var control = SpgdProcess.StartSpgd(dir, slow, "silo", "--clustering", clustering, "--storage", storage,
            "--silo-port", SpgdProcess.FreePort().ToString(), "--gateway-port", SpgdProcess.FreePort().ToString());
        // Items of ten minutes each, one slot: one runs, one waits in the queue.
        await using var compute = SpgdProcess.StartSpgd(dir, slow, "silo", "--clustering", clustering, "--storage", storage,
            "--device", "cpu", "--slots", "1", "--simulate-ms", "600000",
            "--silo-port", SpgdProcess.FreePort().ToString(), "--gateway-port", SpgdProcess.FreePort().ToString());
        await compute.WaitForOutputAsync("Device cpu ready", TimeSpan.FromSeconds(90));

        await using var submit = SpgdProcess.StartSpgd(dir, null, "submit", "--clustering", clustering, "--id", "cancel-job",
            "--images", "2", "--size", "16", "--task", "inpainting_random");
        Assert.True(await submit.WaitAsync(TimeSpan.FromMinutes(1)) == 0, submit.Output);
        await using (var client = await ClusterClientHost.ConnectAsync(clustering))
        {
            var job = client.Client.GetGrain<IJobGrain>("cancel-job");
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while ((await job.GetItemsAsync()).Count(i => i.State == ItemState.Dispatched && i.Holder is not null) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the items were not placed: {await job.GetStatusAsync()}");
                await Task.Delay(200);
            }
        }

        await using var cancel = SpgdProcess.StartSpgd(dir, null, "cancel", "cancel-job", "--clustering", clustering);
        Assert.True(await cancel.WaitAsync(TimeSpan.FromMinutes(1)) == 0, cancel.Output);
        Assert.Contains("Job cancel-job: Cancelled (0 done, 0 failed of 2).", cancel.Output);
        // The executor's own line for a run stopped because its job wants none of its items.
        await compute.WaitForOutputAsync("Cancelled 1 running item(s) the jobs no longer want", TimeSpan.FromMinutes(1));

        await using var unknown = SpgdProcess.StartSpgd(dir, null, "cancel", "no-such-job", "--clustering", clustering);
        Assert.True(await unknown.WaitAsync(TimeSpan.FromMinutes(1)) == 1, unknown.Output);
        Assert.Contains("No job 'no-such-job'.", unknown.Output);
    }
}
