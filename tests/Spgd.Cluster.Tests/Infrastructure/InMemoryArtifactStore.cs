using System.Collections.Concurrent;
using Spgd.Grains.Storage;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>Artifact store stub for tests: a dictionary shared by all silos.</summary>
internal sealed class InMemoryArtifactStore : IArtifactStore
{
    public ConcurrentDictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    public Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        Blobs[key] = content.ToArray();
        return Task.CompletedTask;
    }

    public Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(Blobs.TryGetValue(key, out var b) ? b : null);

    public string Text(string key) => System.Text.Encoding.UTF8.GetString(Blobs[key]);
}
