namespace Spgd.Grains.Storage;

/// <summary>
/// Where grains and workers write results (images, per-item JSON, summaries), by deterministic key.
/// A thin port over the project's blob store so that orchestration does not depend on a backend.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Writes (or overwrites) <paramref name="key"/>.</summary>
    Task WriteAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Reads <paramref name="key"/>, or null when absent.</summary>
    Task<byte[]?> TryReadAsync(string key, CancellationToken cancellationToken = default);
}
