using System.Text;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Spgd.Grains.Persistence;
using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Persistence;

public interface IPersistentCounterGrain : IGrainWithStringKey
{
    Task<int> Increment();
    Task<int> Get();
    Task Clear();
}

public sealed class PersistentCounterGrain([PersistentState("counter", "blobs")] IPersistentState<CounterState> counter)
    : Grain, IPersistentCounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Count++;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task Clear() => counter.ClearStateAsync();
}

/// <summary>A store that can be switched off, as if the storage account were unreachable.</summary>
public sealed class SwitchableStore(IBlobStore inner) : IBlobStore
{
    public volatile bool Down;

    private T Check<T>(T value) => Down ? throw new BlobStoreUnavailableException("test: the store is down") : value;

    public Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken ct = default) => Check(inner).PutAsync(name, content, condition, ct);
    public Task<string> PutAsync(string name, Stream content, BlobCondition condition = default, CancellationToken ct = default) => Check(inner).PutAsync(name, content, condition, ct);
    public Task<StoredBlob?> GetAsync(string name, CancellationToken ct = default) => Check(inner).GetAsync(name, ct);
    public Task<bool> ExistsAsync(string name, CancellationToken ct = default) => Check(inner).ExistsAsync(name, ct);
    public Task<bool> DeleteAsync(string name, BlobCondition condition = default, CancellationToken ct = default) => Check(inner).DeleteAsync(name, condition, ct);
    public Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken ct = default) => Check(inner).ListAsync(prefix, ct);
}

/// <summary>The provider inside a real (in-process) silo: registration, persistence across restarts, conflicts.</summary>
public sealed class BlobGrainStorageClusterTests
{
    private static async Task<InProcessTestCluster> StartCluster(IBlobStore store)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddBlobGrainStorage("blobs", _ => store));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task State_survives_a_cluster_restart_and_a_foreign_write_surfaces_as_a_conflict()
    {
        var root = TestPaths.NewTempDir("spgd-silo-state");
        var store = new SwitchableStore(new FileBlobStore(root));
        try
        {
            await using (var cluster = await StartCluster(store))
            {
                var grain = cluster.Client.GetGrain<IPersistentCounterGrain>("job-1");
                await grain.Increment();
                await grain.Increment();
                Assert.Equal(3, await grain.Increment());
            }
            var blobs = await store.ListAsync();
            var blob = Assert.Single(blobs);
            Assert.EndsWith("/job-1/counter.state", blob);

            await using (var cluster = await StartCluster(store))
            {
                var grain = cluster.Client.GetGrain<IPersistentCounterGrain>("job-1");
                Assert.Equal(3, await grain.Get());

                // Another writer changes the blob behind the activation's back: its next write must not overwrite it.
                await store.PutAsync(blob, Encoding.UTF8.GetBytes("foreign"));
                var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Increment());
                Assert.Contains("lost to a concurrent change", ex.Message);
                Assert.Equal("foreign", Encoding.UTF8.GetString((await store.GetAsync(blob))!.Content));

                await store.DeleteAsync(blob);
                // Orleans deactivated the grain on the conflict: the next call reads the (now absent) state again.
                Assert.Equal(1, await grain.Increment());
                await grain.Clear();
                Assert.Empty(await store.ListAsync());

                // An outage reaches the caller (wrapped by Orleans) as the store's own exception, not as a serialization failure.
                store.Down = true;
                var down = await Assert.ThrowsAsync<OrleansException>(() => grain.Increment());
                var cause = Assert.IsType<BlobStoreUnavailableException>(down.InnerException);
                Assert.Contains("store is down", cause.Message);
                store.Down = false;
                // Orleans does not roll the activation back after a failed write: its in-memory count (1) was kept,
                // and the next successful write stores 2. Grains that must not keep unsaved changes deactivate on failure.
                Assert.Equal(2, await grain.Increment());
            }
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
