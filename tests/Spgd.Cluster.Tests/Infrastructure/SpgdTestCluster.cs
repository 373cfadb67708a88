using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using Spgd.Contracts.Jobs;
using Spgd.Grains;
using Spgd.Grains.Devices;
using Spgd.Grains.Hosting;
using Spgd.Grains.Jobs;
using Spgd.Grains.Persistence;
using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>
/// An in-process cluster whose silos (named <c>Silo_0</c>, <c>Silo_1</c>, ...) get the given devices
/// (null: no device), sharing one folder blob store (results and grain state, so state outlives a killed
/// silo) and an execution log, with short leases, fast failure detection and (unless <c>heartbeat</c> says otherwise)
/// half-second heartbeats, so fault tests finish in seconds.
/// </summary>
internal sealed class SpgdTestCluster : IAsyncDisposable
{
    public required InProcessTestCluster Cluster { get; init; }
    public required TestStore Store { get; init; }
    public required ExecutionLog Log { get; init; }

    public IClusterClient Client => Cluster.Client;

    public static async Task<SpgdTestCluster> StartAsync(IReadOnlyList<DeviceOptions?> devices,
        Func<DeviceOptions, IServiceProvider, IWorkItemRunner>? runner = null, Action<ISiloBuilder>? configure = null,
        Action<JobOptions>? jobOptions = null, TimeSpan? heartbeat = null)
    {
        var store = new TestStore(TestPaths.NewTempDir("spgd-cluster"));
        var log = new ExecutionLog();
        var builder = new InProcessTestClusterBuilder((short)devices.Count);
        builder.ConfigureSilo((options, silo) =>
        {
            var index = int.Parse(options.SiloName.Split('_')[1]);
            var device = devices[index] ?? new DeviceOptions();
            device.HeartbeatInterval = heartbeat ?? TimeSpan.FromMilliseconds(500);
            device.PublishInterval = TimeSpan.FromMilliseconds(500);
            silo.Services.AddSingleton<IBlobStore>(store.Blobs);
            silo.AddBlobGrainStorage(SpgdStorage.GrainStorageName, _ => store.GrainStateBlobs);
            silo.Services.AddSingleton<IWorkItemRunner>(sp => new RecordingRunner(
                runner is null ? new SimulatedWorkItemRunner(device.SimulatedServiceTime ?? TimeSpan.Zero) : runner(device, sp),
                log, options.SiloName));
            silo.AddIncomingGrainCallFilter(new RestorationCallRecorder(log, options.SiloName));
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            configure?.Invoke(silo);
            silo.AddSpgdGrains(device, jobs =>
            {
                jobs.LeaseTimeout = TimeSpan.FromSeconds(4);
                jobs.DispatchInterval = TimeSpan.FromMilliseconds(200);
                jobs.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
                jobs.RetryMaxDelay = TimeSpan.FromSeconds(2);
                jobs.ReminderPeriod = TimeSpan.FromSeconds(2);
                jobOptions?.Invoke(jobs);
            });
        });
        builder.ConfigureClient(c => c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SpgdTestCluster { Cluster = cluster, Store = store, Log = log };
    }

    public static DeviceOptions Simulated(int slots, TimeSpan serviceTime) =>
        new() { Device = "sim", Slots = slots, SimulatedServiceTime = serviceTime };

    public InProcessSiloHandle Silo(string name) => Cluster.Silos.Single(s => s.Name == name);

    /// <summary>Polls until the job ends (calls may fail while a silo is being declared dead).</summary>
    public async Task<JobStatus> WaitForEndAsync(string jobId, TimeSpan timeout) =>
        await WaitForAsync(jobId, s => s.IsTerminal, timeout);

    public async Task<JobStatus> WaitForAsync(string jobId, Func<JobStatus, bool> condition, TimeSpan timeout)
    {
        var job = Client.GetGrain<IJobGrain>(jobId);
        var deadline = DateTime.UtcNow + timeout;
        JobStatus? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await job.GetStatusAsync();
                if (condition(last)) return last;
            }
            catch (Exception) when (DateTime.UtcNow < deadline) { }
            await Task.Delay(200);
        }

        throw new TimeoutException($"Job {jobId} did not reach the expected state in {timeout}; last status: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        try { await Cluster.StopAllSilosAsync(); } catch { /* silos already killed by the test */ }
        await Cluster.DisposeAsync();
        try { Directory.Delete(Store.Root, recursive: true); } catch (IOException) { }
    }
}
