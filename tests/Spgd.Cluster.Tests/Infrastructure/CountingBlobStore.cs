using System.Collections.Concurrent;
using Spgd.Storage;

namespace Spgd.Cluster.Tests.Infrastructure;

/// <summary>A blob store that counts the writes of each blob name, so tests can check how often grain state is written.</summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentDictionary<string, int> _puts = new(StringComparer.Ordinal);

    /// <summary>Writes of every blob whose name ends in <paramref name="suffix"/>.</summary>
    public int PutsEndingWith(string suffix) => _puts.Where(kv => kv.Key.EndsWith(suffix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        _puts.AddOrUpdate(name, 1, (_, n) => n + 1);
        return inner.PutAsync(name, content, condition, cancellationToken);
    }

    public Task<string> PutAsync(string name, Stream content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        _puts.AddOrUpdate(name, 1, (_, n) => n + 1);
        return inner.PutAsync(name, content, condition, cancellationToken);
    }

    public Task<StoredBlob?> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);

    public Task<bool> DeleteAsync(string name, BlobCondition condition = default, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(name, condition, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
}
