namespace Spgd.Grains.Datasets;

/// <summary>
/// A silo's bounded local cache of data-set blobs, content-addressed by SHA-256 (so a changed blob can never be served
/// from it under the old digest, and silos sharing the folder share the files). When it grows past
/// <see cref="MaxBytes"/>, the least recently used files go first.
/// </summary>
public sealed class BlobImageCache
{
    private readonly object _evictLock = new();

    /// <summary>A cache in <paramref name="folder"/> holding at most <paramref name="maxBytes"/>.</summary>
    public BlobImageCache(string folder, long maxBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        Folder = Path.GetFullPath(folder);
        MaxBytes = maxBytes;
        Directory.CreateDirectory(Folder);
    }

    /// <summary>Default size bound: 1 GiB (about 2,000 FFHQ 256×256 PNGs).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>The most bytes kept.</summary>
    public long MaxBytes { get; }

    /// <summary>The cached bytes with digest <paramref name="sha256"/>, or null (a file whose content no longer has that digest is dropped).</summary>
    public byte[]? TryGet(string sha256)
    {
        var path = PathOf(sha256);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // recency for eviction
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null; // absent, or evicted by another silo meanwhile
        }

        if (Sha256Of(bytes) == sha256) return bytes;
        TryDelete(path); // damaged on disk: fetch again
        return null;
    }

    /// <summary>Keeps <paramref name="bytes"/> (whose digest the caller checked) under <paramref name="sha256"/>, then evicts down to the bound.</summary>
    public void Put(string sha256, byte[] bytes)
    {
        if (bytes.LongLength > MaxBytes) return;
        var path = PathOf(sha256);
        var temp = Path.Combine(Folder, $".{sha256}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true); // atomic: a reader sees the whole file or none
        Evict();
    }

    /// <summary>Bytes held now.</summary>
    public long SizeBytes => Files().Sum(f => f.Length);

    /// <summary>SHA-256 of <paramref name="bytes"/>, 64 lower-case hex digits (the manifest's form).</summary>
    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private void Evict()
    {
        lock (_evictLock)
        {
            var files = Files().OrderByDescending(f => f.LastWriteTimeUtc).ToList();
            long kept = 0;
            foreach (var file in files)
            {
                kept += file.Length;
                if (kept > MaxBytes) TryDelete(file.FullName);
            }
        }
    }

    private IEnumerable<FileInfo> Files()
    {
        try { return new DirectoryInfo(Folder).EnumerateFiles().Where(f => !f.Name.StartsWith('.')).ToList(); }
        catch (DirectoryNotFoundException) { return []; }
    }

    private string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"'{sha256}' is not a SHA-256 digest (64 lower-case hex digits).", nameof(sha256));
        return Path.Combine(Folder, sha256);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* in use or gone: the next eviction retries */ }
    }
}
