using Spgd.Contracts.Jobs;
using Spgd.Storage;

namespace Spgd.Client.Cluster;

/// <summary>A job's stored results, read through <see cref="IBlobStore"/> (a folder or an Azure container) alike.</summary>
public static class StoredJob
{
    /// <summary>
    /// Copies every blob under <c>jobs/{job}/</c> of <paramref name="store"/> into <paramref name="target"/> (the layout kept);
    /// returns how many were copied (0: the store holds no such job).
    /// </summary>
    public static async Task<int> CopyAsync(IBlobStore store, string jobId, string target, CancellationToken cancellationToken)
    {
        JobIds.ThrowIfInvalid(jobId);
        var prefix = ItemKeys.JobPrefix(jobId);
        var names = await store.ListAsync(prefix, cancellationToken);
        var copied = 0;
        foreach (var name in names)
        {
            var blob = await store.GetAsync(name, cancellationToken);
            if (blob is null) continue; // deleted while listing
            var path = Path.Combine(target, name[prefix.Length..].Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, blob.Content, cancellationToken);
            copied++;
        }

        return copied;
    }

    /// <summary>Reads one stored blob of a job (e.g. <c>summary/manifest.json</c>), or null when it does not exist.</summary>
    public static async Task<byte[]?> ReadAsync(IBlobStore store, string jobId, string relativeName, CancellationToken cancellationToken)
    {
        JobIds.ThrowIfInvalid(jobId);
        return (await store.GetAsync(ItemKeys.JobPrefix(jobId) + relativeName, cancellationToken))?.Content;
    }
}
