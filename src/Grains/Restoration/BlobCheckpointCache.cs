using System.Collections.Concurrent;
using Spgd.Contracts.Jobs;
using Spgd.Evaluation.Manifests;
using Spgd.Grains.Devices;
using Spgd.Storage;

namespace Spgd.Grains.Restoration;

/// <summary>
/// Checkpoints stored as blobs of the job store (<c>checkpoint_blob</c> in a spec; <see cref="ModelRef.CheckpointBlob"/>):
/// fetched once per silo into a local folder, named by the SHA-256 that the job's manifest recorded when the job was
/// submitted, and used only when the fetched bytes have that digest. So no PVC is needed for models, and a blob replaced
/// after submission cannot silently change a running job's prior.
/// </summary>
public sealed class BlobCheckpointCache(IBlobStore store, string folder)
{
    private const string Sha256 = "sha256:";
    private readonly ConcurrentDictionary<string, object> _locks = new();
    private readonly ConcurrentDictionary<string, string> _digests = new();

    /// <summary>Folder of the fetched checkpoints (<c>{folder}/{sha256}/{file name}</c>).</summary>
    public string Folder => folder;

    /// <summary>Blob reads done (for tests and logs): a checkpoint is read once per silo, not once per item.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    private int _fetches;

    /// <summary>
    /// The local file of <paramref name="item"/>'s blob checkpoint, fetched and checked on first use. Throws
    /// <see cref="DeterministicItemException"/> when the blob is missing or differs from the manifest's digest (a retry
    /// cannot fix either), and the store's own exceptions when it is unavailable (retried).
    /// </summary>
    public string Resolve(WorkItem item)
    {
        var blob = item.Settings.Model.CheckpointBlob ?? throw new ArgumentException($"Model {item.Settings.Model.Kind} has no blob checkpoint.");
        var expected = ExpectedDigest(item.JobId);
        if (!expected.StartsWith(Sha256, StringComparison.Ordinal))
            throw new DeterministicItemException($"Checkpoint {ModelRef.BlobPrefix}{blob}: job {item.JobId} recorded no digest for it at submission ({expected}).");
        var target = Path.Combine(folder, expected[Sha256.Length..], Path.GetFileName(blob));
        if (File.Exists(target)) return target; // written only after its digest matched
        lock (_locks.GetOrAdd(target, _ => new object()))
        {
            if (File.Exists(target)) return target;
            Interlocked.Increment(ref _fetches);
            var stored = store.GetAsync(blob).GetAwaiter().GetResult()
                ?? throw new DeterministicItemException($"Checkpoint {ModelRef.BlobPrefix}{blob} is not in the job store.");
            var actual = ModelDigest.OfBytes(stored.Content);
            if (actual != expected)
                throw new DeterministicItemException(
                    $"Checkpoint {ModelRef.BlobPrefix}{blob} has {actual}, but job {item.JobId}'s manifest recorded {expected}: the blob changed after submission.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + $".{Environment.ProcessId}.partial";
            File.WriteAllBytes(partial, stored.Content);
            File.Move(partial, target, overwrite: true);
            return target;
        }
    }

    // The model digest the job recorded at submission, from its manifest (written before any item was dispatched).
    private string ExpectedDigest(string jobId)
    {
        if (_digests.TryGetValue(jobId, out var known)) return known;
        var manifest = store.GetAsync(ItemKeys.Manifest(jobId)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"Job {jobId} has no manifest yet."); // transient: the job writes it at submission
        var digest = ManifestJson.Parse(manifest.Content, ItemKeys.Manifest(jobId)).Model;
        _digests[jobId] = digest;
        return digest;
    }
}
