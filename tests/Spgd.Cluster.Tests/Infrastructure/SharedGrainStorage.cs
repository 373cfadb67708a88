using System.Collections.Concurrent;
using Orleans.Storage;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>
/// Grain storage shared by all silos of an in-process test cluster, outside any silo, so state
/// survives killing the silo that wrote it (Orleans' memory storage keeps state in grains on silos).
/// </summary>
internal sealed class SharedGrainStorage(IGrainStorageSerializer serializer, ConcurrentDictionary<string, (BinaryData Data, string ETag)> table)
    : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (table.TryGetValue(Key(stateName, grainId), out var entry))
        {
            grainState.State = serializer.Deserialize<T>(entry.Data);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.Serialize(grainState.State);
        lock (table)
        {
            if (table.TryGetValue(key, out var existing) ? existing.ETag != grainState.ETag : grainState.ETag is not null)
                throw new InconsistentStateException($"ETag mismatch for {key}", existing.ETag ?? "", grainState.ETag ?? "");
            table[key] = (data, etag);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        table.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
