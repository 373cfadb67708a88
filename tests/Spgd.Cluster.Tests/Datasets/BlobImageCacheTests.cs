using Spgd.Grains.Datasets;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Datasets;

/// <summary>The silo's data-set cache: content-addressed, bounded, and never serving bytes that lost their digest.</summary>
public sealed class BlobImageCacheTests
{
    [Fact]
    public void The_cache_stays_under_its_bound_dropping_the_least_recently_used_first()
    {
        var cache = new BlobImageCache(TestPaths.NewTempDir("spgd-cache"), maxBytes: 3000);
        var blobs = Enumerable.Range(0, 4).Select(i => Enumerable.Repeat((byte)i, 1000).ToArray()).ToList();
        var digests = blobs.Select(BlobImageCache.Sha256Of).ToList();
        cache.Put(digests[0], blobs[0]);
        Thread.Sleep(20);
        cache.Put(digests[1], blobs[1]);
        Thread.Sleep(20);
        cache.Put(digests[2], blobs[2]);
        Thread.Sleep(20);
        Assert.NotNull(cache.TryGet(digests[0])); // used again: now the most recent
        Thread.Sleep(20);
        cache.Put(digests[3], blobs[3]);

        Assert.True(cache.SizeBytes <= 3000, $"{cache.SizeBytes} bytes");
        Assert.Null(cache.TryGet(digests[1])); // least recently used went first
        Assert.Equal(blobs[0], cache.TryGet(digests[0]));
        Assert.Equal(blobs[3], cache.TryGet(digests[3]));
    }

    [Fact]
    public void A_cached_file_whose_bytes_changed_on_disk_is_not_served()
    {
        var folder = TestPaths.NewTempDir("spgd-cache");
        var cache = new BlobImageCache(folder, BlobImageCache.DefaultMaxBytes);
        var bytes = "an image"u8.ToArray();
        var digest = BlobImageCache.Sha256Of(bytes);
        cache.Put(digest, bytes);
        File.WriteAllBytes(Path.Combine(folder, digest), "tampered"u8.ToArray());

        Assert.Null(cache.TryGet(digest));
        Assert.False(File.Exists(Path.Combine(folder, digest)));
    }
}
