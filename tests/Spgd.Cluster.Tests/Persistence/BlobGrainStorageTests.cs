using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Grains.Persistence;
using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Persistence;

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Count { get; set; }
    [Id(1)] public List<string> Done { get; set; } = [];
}

/// <summary>What Orleans hands a storage provider: state, ETag and whether a record exists.</summary>
public sealed class FakeGrainState<T> : IGrainState<T>
{
    public T? State { get; set; }
    public string? ETag { get; set; }
    public bool RecordExists { get; set; }
}

/// <summary>Grain storage behaviour, run on both blob stores.</summary>
public abstract class BlobGrainStorageTests
{
    private static readonly GrainId Grain = GrainId.Create("job", "job-42");
    private const string StateName = "progress";

    protected abstract IBlobStore CreateStore();

    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    protected static BlobGrainStorage CreateStorage(IBlobStore store, bool deleteOnClear = true, IGrainStorageSerializer? serializer = null) => new(
        "test", store,
        new BlobGrainStorageOptions
        {
            GrainStorageSerializer = serializer ?? new OrleansGrainStorageSerializer(Services.GetRequiredService<Serializer>()),
            DeleteStateOnClear = deleteOnClear,
        },
        Services.GetRequiredService<IActivatorProvider>(),
        NullLogger<BlobGrainStorage>.Instance);

    private static async Task<FakeGrainState<CounterState>> Read(IGrainStorage storage, GrainId? grain = null)
    {
        var state = new FakeGrainState<CounterState>();
        await storage.ReadStateAsync(StateName, grain ?? Grain, state);
        return state;
    }

    [Fact]
    public async Task Reading_a_grain_never_written_gives_a_fresh_state_without_etag()
    {
        var state = await Read(CreateStorage(CreateStore()));
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Equal(0, state.State!.Count);
    }

    [Fact]
    public async Task Written_state_reads_back_with_the_same_etag()
    {
        var storage = CreateStorage(CreateStore());
        var state = await Read(storage);
        state.State = new CounterState { Count = 3, Done = ["a", "b"] };
        await storage.WriteStateAsync(StateName, Grain, state);
        Assert.True(state.RecordExists);
        Assert.NotNull(state.ETag);

        var again = await Read(storage);
        Assert.True(again.RecordExists);
        Assert.Equal(state.ETag, again.ETag);
        Assert.Equal(3, again.State!.Count);
        Assert.Equal(["a", "b"], again.State.Done);
    }

    [Fact]
    public async Task A_write_based_on_an_outdated_etag_is_an_inconsistent_state()
    {
        var storage = CreateStorage(CreateStore());
        var first = await Read(storage);
        first.State!.Count = 1;
        await storage.WriteStateAsync(StateName, Grain, first);

        var activationA = await Read(storage);
        var activationB = await Read(storage);
        activationA.State!.Count = 2;
        await storage.WriteStateAsync(StateName, Grain, activationA);
        activationB.State!.Count = 99;
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, activationB));
        Assert.Equal(first.ETag, ex.CurrentEtag);
        Assert.Contains("changed concurrently", ex.Message);

        Assert.Equal(2, (await Read(storage)).State!.Count);
    }

    [Fact]
    public async Task Creating_a_record_that_another_activation_already_created_is_an_inconsistent_state()
    {
        var storage = CreateStorage(CreateStore());
        var a = await Read(storage);
        var b = await Read(storage);
        await storage.WriteStateAsync(StateName, Grain, a);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, b));
    }

    [Fact]
    public async Task Clear_deletes_the_record_and_a_stale_clear_conflicts()
    {
        var store = CreateStore();
        var storage = CreateStorage(store);
        var state = await Read(storage);
        state.State!.Count = 5;
        await storage.WriteStateAsync(StateName, Grain, state);
        var stale = new FakeGrainState<CounterState> { State = state.State, ETag = state.ETag, RecordExists = true };
        state.State.Count = 6;
        await storage.WriteStateAsync(StateName, Grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, Grain, stale));
        Assert.Equal(6, (await Read(storage)).State!.Count);

        await storage.ClearStateAsync(StateName, Grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Count);
        Assert.Empty(await store.ListAsync("grain-state/"));
        Assert.False((await Read(storage)).RecordExists);
    }

    [Fact]
    public async Task Clear_without_delete_keeps_an_empty_record_whose_etag_guards_the_next_write()
    {
        var store = CreateStore();
        var storage = CreateStorage(store, deleteOnClear: false);
        var state = await Read(storage);
        state.State!.Count = 1;
        await storage.WriteStateAsync(StateName, Grain, state);
        await storage.ClearStateAsync(StateName, Grain, state);
        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);

        var reread = await Read(storage);
        Assert.False(reread.RecordExists);
        Assert.Equal(state.ETag, reread.ETag);
        reread.State!.Count = 7;
        await storage.WriteStateAsync(StateName, Grain, reread);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, state));
    }

    [Fact]
    public async Task Grains_and_state_names_map_to_distinct_blobs_even_with_odd_keys()
    {
        var store = CreateStore();
        var storage = CreateStorage(store);
        var odd = GrainId.Create("job", "../../etc/passwd");
        var dots = GrainId.Create("job", "..");
        foreach (var (grain, count) in new[] { (Grain, 1), (odd, 2), (dots, 3) })
        {
            var state = await Read(storage, grain);
            state.State!.Count = count;
            await storage.WriteStateAsync(StateName, grain, state);
        }
        Assert.Equal(1, (await Read(storage, Grain)).State!.Count);
        Assert.Equal(2, (await Read(storage, odd)).State!.Count);
        Assert.Equal(3, (await Read(storage, dots)).State!.Count);
        Assert.Equal("grain-state/job/job-42/progress.state", storage.BlobNameOf(StateName, Grain));
        var names = await store.ListAsync("grain-state/job/");
        Assert.Equal(3, names.Count);
        Assert.All(names, n => Assert.Null(BlobName.Check(n)));
    }

    [Fact]
    public async Task A_corrupt_blob_is_reported_with_its_name()
    {
        var store = CreateStore();
        var storage = CreateStorage(store);
        await store.PutAsync(storage.BlobNameOf(StateName, Grain), Encoding.UTF8.GetBytes("not orleans binary"));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => Read(storage));
        Assert.Contains("grain-state/job/job-42/progress.state", ex.Message);
        Assert.Contains(nameof(CounterState), ex.Message);
    }
}

public sealed class BlobGrainStorageOnFileTests : BlobGrainStorageTests, IDisposable
{
    private readonly List<string> _dirs = [];

    protected override IBlobStore CreateStore()
    {
        var dir = TestPaths.NewTempDir("spgd-grainstate");
        _dirs.Add(dir);
        return new FileBlobStore(dir);
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Registration_provides_a_keyed_provider_with_orleans_binary_serialization_by_default()
    {
        var store = CreateStore();
        var services = new ServiceCollection().AddLogging().AddSerializer();
        services.AddBlobGrainStorage("results", _ => store, o => o.BlobPrefix = "state");
        await using var provider = services.BuildServiceProvider();

        var storage = Assert.IsType<BlobGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("results"));
        var state = new FakeGrainState<CounterState> { State = new CounterState { Count = 4 } };
        await storage.WriteStateAsync("s", GrainId.Create("job", "k"), state);
        Assert.Equal(["state/job/k/s.state"], await store.ListAsync());
        var read = new FakeGrainState<CounterState>();
        await storage.ReadStateAsync("s", GrainId.Create("job", "k"), read);
        Assert.Equal(4, read.State!.Count);
    }

    [Fact]
    public async Task System_text_json_serializer_can_be_chosen_and_stores_readable_json()
    {
        var store = CreateStore();
        var json = new SystemTextJsonGrainStorageSerializer(Microsoft.Extensions.Options.Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        var storage = CreateStorage(store, serializer: json);
        var state = new FakeGrainState<CounterState> { State = new CounterState { Count = 8 } };
        await storage.WriteStateAsync("s", GrainId.Create("job", "k"), state);
        var text = Encoding.UTF8.GetString((await store.GetAsync(storage.BlobNameOf("s", GrainId.Create("job", "k"))))!.Content);
        Assert.Contains("\"Count\":8", text);
    }
}
