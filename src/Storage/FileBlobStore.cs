using System.Security.Cryptography;

namespace Spgd.Storage;

/// <summary>
/// An <see cref="IBlobStore"/> on a local (or shared) folder: blob <c>a/b.png</c> is the file <c>{root}/a/b.png</c>,
/// so results can be browsed directly.
/// </summary>
/// <remarks>
/// Writes go to a temporary file that is renamed over the target, so readers see the old or the new content, never
/// a mix. The ETag is a hash of the content: two writes of identical bytes share an ETag, which is harmless for
/// optimistic concurrency (a conditional writer then bases its update on exactly the stored content).
/// Every write and delete holds an exclusive OS file lock (flock) on one of a fixed set of lock files, so conditional
/// updates are safe across processes on one machine as well as across threads.
/// </remarks>
public sealed class FileBlobStore : IBlobStore
{
    /// <summary>Folder under the root holding lock and temporary files; blob names may not start with it.</summary>
    public const string InternalFolder = ".spgd-store";

    private const int LockStripes = 64;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    private readonly string _lockDir;
    private readonly string _tempDir;
    private readonly SemaphoreSlim[] _localLocks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Opens (and creates if needed) a store rooted at <paramref name="root"/>.</summary>
    public FileBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _lockDir = Path.Combine(Root, InternalFolder, "locks");
        _tempDir = Path.Combine(Root, InternalFolder, "tmp");
        try
        {
            Directory.CreateDirectory(_lockDir);
            Directory.CreateDirectory(_tempDir);
            RemoveStaleTempFiles();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreUnavailableException($"Cannot create the file blob store at '{Root}': {ex.Message}", ex);
        }
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    /// <summary>The file that holds blob <paramref name="name"/> (validated).</summary>
    public string PathOf(string name)
    {
        BlobName.Validate(name);
        if (name == InternalFolder || name.StartsWith(InternalFolder + "/", StringComparison.Ordinal))
            throw new InvalidBlobNameException(name, $"the folder '{InternalFolder}' is reserved for the store itself");
        var path = Path.GetFullPath(Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar)));
        // Defence in depth: validation already rules out '..' and rooted names.
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidBlobNameException(name, $"it resolves outside the store root '{Root}'");
        return path;
    }

    /// <inheritdoc/>
    public async Task<string> PutAsync(string name, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return await Guard(name, () => CommitAsync(name, path, async (fs, ct) =>
        {
            await fs.WriteAsync(content, ct).ConfigureAwait(false);
            return ETagOf(content.Span);
        }, condition, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string> PutAsync(string name, Stream content, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(name);
        return await Guard(name, () => CommitAsync(name, path, async (fs, ct) =>
        {
            // Hash while copying so the content is read once.
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await fs.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
            return FormatETag(hash.GetHashAndReset());
        }, condition, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredBlob?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return await Guard(name, async () =>
        {
            if (!File.Exists(path)) return null;
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null; // deleted between the check and the read
            }
            return new StoredBlob(bytes, ETagOf(bytes));
        }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(path));
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string name, BlobCondition condition = default, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        return await Guard(name, async () =>
        {
            using var held = await LockAsync(name, cancellationToken).ConfigureAwait(false);
            await CheckAsync(name, path, condition, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        prefix = BlobName.ValidatePrefix(prefix);
        // Only the folder that the prefix's complete segments name can hold matches.
        var slash = prefix.LastIndexOf('/');
        var startDir = slash < 0 ? Root : Path.Combine(Root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        var result = new List<string>();
        if (Directory.Exists(startDir))
        {
            // AttributesToSkip = 0: on Unix dot-files count as hidden and would otherwise be skipped.
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
            foreach (var file in Directory.EnumerateFiles(startDir, "*", options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (name.StartsWith(InternalFolder + "/", StringComparison.Ordinal)) continue;
                if (name.StartsWith(prefix, StringComparison.Ordinal)) result.Add(name);
            }
        }
        result.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(result);
    }

    /// <inheritdoc/>
    public override string ToString() => $"FileBlobStore({Root})";

    private async Task<string> CommitAsync(string name, string path, Func<FileStream, CancellationToken, Task<string>> write, BlobCondition condition, CancellationToken ct)
    {
        // The slow part (writing the bytes) happens before taking the lock; only check + rename are serialized.
        var temp = Path.Combine(_tempDir, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            string eTag;
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                eTag = await write(fs, ct).ConfigureAwait(false);
                await fs.FlushAsync(ct).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }
            using (await LockAsync(name, ct).ConfigureAwait(false))
            {
                await CheckAsync(name, path, condition, ct).ConfigureAwait(false);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (Directory.Exists(path))
                    throw new BlobStoreException($"Cannot write blob '{name}': a folder of that name holds other blobs (e.g. '{name}/...').");
                File.Move(temp, path, overwrite: true);
            }
            return eTag;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static async Task CheckAsync(string name, string path, BlobCondition condition, CancellationToken ct)
    {
        if (!condition.IsConditional) return;
        var current = await HashFileAsync(path, ct).ConfigureAwait(false);
        if (condition.IfNotExists ? current is not null : current != condition.IfMatchETag)
            throw new BlobConcurrencyException(name, condition, current);
    }

    private static async Task<string?> HashFileAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return FormatETag(await SHA256.HashDataAsync(fs, ct).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static string ETagOf(ReadOnlySpan<byte> content) => FormatETag(SHA256.HashData(content));

    // 128 bits of SHA-256 in quotes, shaped like an HTTP ETag.
    private static string FormatETag(byte[] hash) => "\"" + Convert.ToHexStringLower(hash, 0, 16) + "\"";

    private static int StripeOf(string name) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)), 0) % LockStripes);

    /// <summary>The lock file that serializes writes of <paramref name="name"/> (shared with other blobs of its stripe).</summary>
    internal string LockPathOf(string name) => Path.Combine(_lockDir, $"{StripeOf(name):x2}.lock");

    private async Task<IDisposable> LockAsync(string name, CancellationToken ct)
    {
        var stripe = StripeOf(name);
        var local = _localLocks[stripe];
        await local.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var lockPath = LockPathOf(name);
            var deadline = DateTime.UtcNow + LockTimeout;
            var delay = 1;
            while (true)
            {
                try
                {
                    // FileShare.None makes .NET take flock(LOCK_EX) on Unix: exclusive across processes and handles.
                    var handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new HeldLock(handle, local);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(delay, ct).ConfigureAwait(false);
                    delay = Math.Min(delay * 2, 20);
                }
                catch (IOException ex)
                {
                    throw new BlobStoreUnavailableException($"Lock '{lockPath}' for blob '{name}' is held by another process for over {LockTimeout.TotalSeconds:0} s.", ex);
                }
            }
        }
        catch
        {
            local.Release();
            throw;
        }
    }

    private async Task<T> Guard<T>(string name, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new BlobStoreUnavailableException($"File blob store '{Root}' failed on blob '{name}': {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new BlobStoreException($"File blob store '{Root}' denied access to blob '{name}': {ex.Message}", ex);
        }
    }

    // Left behind only by writers that crashed mid-write; an hour is far beyond any live write.
    private void RemoveStaleTempFiles()
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (var file in Directory.EnumerateFiles(_tempDir, "*.tmp"))
            if (File.GetLastWriteTimeUtc(file) < cutoff) TryDelete(file);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed class HeldLock(FileStream handle, SemaphoreSlim local) : IDisposable
    {
        public void Dispose()
        {
            handle.Dispose();
            local.Release();
        }
    }
}
