using System.Text;
using Spgd.Storage;

namespace Spgd.Cluster.Tests.Storage;

/// <summary>The behaviour every <see cref="IBlobStore"/> must show; run once per implementation.</summary>
public abstract class BlobStoreContractTests
{
    /// <summary>A fresh, empty store.</summary>
    protected abstract IBlobStore CreateStore();

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
    private static string Text(StoredBlob? b) => Encoding.UTF8.GetString(Assert.IsType<StoredBlob>(b).Content);

    [Fact]
    public async Task Put_then_get_returns_the_content_and_the_etag_of_the_write()
    {
        var store = CreateStore();
        var eTag = await store.PutAsync("jobs/j1/spec.json", Bytes("{\"a\":1}"));
        var blob = await store.GetAsync("jobs/j1/spec.json");
        Assert.Equal("{\"a\":1}", Text(blob));
        Assert.Equal(eTag, blob!.ETag);
        Assert.True(await store.ExistsAsync("jobs/j1/spec.json"));
    }

    [Fact]
    public async Task Missing_blob_reads_as_null_and_does_not_exist()
    {
        var store = CreateStore();
        Assert.Null(await store.GetAsync("jobs/none/spec.json"));
        Assert.False(await store.ExistsAsync("jobs/none/spec.json"));
        Assert.Empty(await store.ListAsync("jobs/none/"));
    }

    [Fact]
    public async Task Overwrite_replaces_content_and_changes_the_etag()
    {
        var store = CreateStore();
        var first = await store.PutAsync("a/b.txt", Bytes("one"));
        var second = await store.PutAsync("a/b.txt", Bytes("two"));
        Assert.NotEqual(first, second);
        Assert.Equal("two", Text(await store.GetAsync("a/b.txt")));
    }

    [Fact]
    public async Task List_returns_exactly_the_names_under_a_prefix_in_ordinal_order()
    {
        var store = CreateStore();
        foreach (var name in new[] { "jobs/a/spec.json", "jobs/a/items/t/img2-run0.png", "jobs/a/items/t/img1-run0.png", "jobs/ab/spec.json", "other.txt", "jobs/.hidden" })
            await store.PutAsync(name, Bytes(name));

        Assert.Equal(["jobs/a/items/t/img1-run0.png", "jobs/a/items/t/img2-run0.png", "jobs/a/spec.json"], await store.ListAsync("jobs/a/"));
        Assert.Equal(["jobs/a/items/t/img1-run0.png", "jobs/a/items/t/img2-run0.png", "jobs/a/spec.json", "jobs/ab/spec.json"], await store.ListAsync("jobs/a"));
        Assert.Equal(6, (await store.ListAsync()).Count);
        Assert.Contains("jobs/.hidden", await store.ListAsync("jobs/"));
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_reports_whether_it_existed()
    {
        var store = CreateStore();
        await store.PutAsync("x/y.bin", new byte[] { 1, 2, 3 });
        Assert.True(await store.DeleteAsync("x/y.bin"));
        Assert.Null(await store.GetAsync("x/y.bin"));
        Assert.False(await store.DeleteAsync("x/y.bin"));
        Assert.DoesNotContain("x/y.bin", await store.ListAsync("x/"));
    }

    [Fact]
    public async Task Put_if_match_succeeds_on_the_current_etag_and_fails_on_a_stale_one()
    {
        var store = CreateStore();
        var v1 = await store.PutAsync("state/g1", Bytes("v1"));
        var v2 = await store.PutAsync("state/g1", Bytes("v2"), BlobCondition.IfMatch(v1));

        var ex = await Assert.ThrowsAsync<BlobConcurrencyException>(() => store.PutAsync("state/g1", Bytes("stale"), BlobCondition.IfMatch(v1)));
        Assert.Equal("state/g1", ex.BlobName);
        Assert.Equal(v1, ex.Condition.IfMatchETag);
        var current = await store.GetAsync("state/g1");
        Assert.Equal("v2", Text(current));
        Assert.Equal(v2, current!.ETag);
    }

    [Fact]
    public async Task Put_if_match_on_a_missing_blob_is_a_conflict()
    {
        var store = CreateStore();
        var eTag = await store.PutAsync("state/g2", Bytes("v1"));
        await store.DeleteAsync("state/g2");
        await Assert.ThrowsAsync<BlobConcurrencyException>(() => store.PutAsync("state/g2", Bytes("v2"), BlobCondition.IfMatch(eTag)));
        Assert.False(await store.ExistsAsync("state/g2"));
    }

    [Fact]
    public async Task Put_if_none_match_creates_once_and_then_conflicts()
    {
        var store = CreateStore();
        await store.PutAsync("jobs/j/spec.json", Bytes("first"), BlobCondition.IfNoneMatch);
        var ex = await Assert.ThrowsAsync<BlobConcurrencyException>(() => store.PutAsync("jobs/j/spec.json", Bytes("second"), BlobCondition.IfNoneMatch));
        Assert.Contains("already exists", ex.Message);
        Assert.Equal("first", Text(await store.GetAsync("jobs/j/spec.json")));
    }

    [Fact]
    public async Task Delete_if_match_fails_on_a_stale_etag_and_keeps_the_blob()
    {
        var store = CreateStore();
        var v1 = await store.PutAsync("state/g3", Bytes("v1"));
        var v2 = await store.PutAsync("state/g3", Bytes("v2"));
        await Assert.ThrowsAsync<BlobConcurrencyException>(() => store.DeleteAsync("state/g3", BlobCondition.IfMatch(v1)));
        Assert.True(await store.ExistsAsync("state/g3"));
        Assert.True(await store.DeleteAsync("state/g3", BlobCondition.IfMatch(v2)));
        Assert.False(await store.ExistsAsync("state/g3"));
    }

    [Fact]
    public async Task Concurrent_conditional_writers_on_one_version_have_exactly_one_winner()
    {
        var store = CreateStore();
        var start = await store.PutAsync("state/race", Bytes("start"));
        const int writers = 8;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.PutAsync("state/race", Bytes($"writer-{i}"), BlobCondition.IfMatch(start));
                return i;
            }
            catch (BlobConcurrencyException)
            {
                return -1;
            }
        })));
        var winners = outcomes.Where(i => i >= 0).ToArray();
        Assert.Single(winners);
        Assert.Equal($"writer-{winners[0]}", Text(await store.GetAsync("state/race")));
    }

    [Fact]
    public async Task Concurrent_create_once_writers_have_exactly_one_winner()
    {
        var store = CreateStore();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.PutAsync("jobs/once/spec.json", Bytes($"writer-{i}"), BlobCondition.IfNoneMatch);
                return true;
            }
            catch (BlobConcurrencyException)
            {
                return false;
            }
        })));
        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task Read_modify_write_loops_lose_no_update()
    {
        var store = CreateStore();
        await store.PutAsync("counter", Bytes("0"));
        const int workers = 4, increments = 5;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var n = 0; n < increments; n++)
            {
                while (true)
                {
                    var current = (await store.GetAsync("counter"))!;
                    var next = int.Parse(Encoding.UTF8.GetString(current.Content)) + 1;
                    try
                    {
                        await store.PutAsync("counter", Bytes(next.ToString()), BlobCondition.IfMatch(current.ETag));
                        break;
                    }
                    catch (BlobConcurrencyException) { }
                }
            }
        })));
        Assert.Equal((workers * increments).ToString(), Text(await store.GetAsync("counter")));
    }

    public static TheoryData<string, string> InvalidNames => new()
    {
        { "", "empty" },
        { "../escape.txt", "'..' segment" },
        { "jobs/../../etc/passwd", "'..' segment" },
        { "jobs/./x", "'.' segment" },
        { "/etc/passwd", "absolute" },
        { "jobs//x", "empty path segment" },
        { "jobs/x/", "empty path segment" },
        { "jobs\\x", "'\\'" },
        { "jobs/x\u0001y", "control character U+0001" },
        { "jobs/x\ny", "control character U+000A" },
        { "C:/windows", "drive letter" },
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task Invalid_names_are_rejected_with_the_reason(string name, string reason)
    {
        var store = CreateStore();
        var put = await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.PutAsync(name, Bytes("x")));
        Assert.Contains(reason, put.Message);
        Assert.DoesNotContain("\n", put.Message);
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.GetAsync(name));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.DeleteAsync(name));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.ExistsAsync(name));
    }

    [Fact]
    public async Task Listing_prefix_cannot_escape_either()
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.ListAsync("../"));
    }

    [Fact]
    public async Task Large_blob_round_trips_from_bytes_and_from_a_stream()
    {
        var store = CreateStore();
        var data = new byte[5 * 1024 * 1024 + 17];
        new Random(7).NextBytes(data);
        var fromBytes = await store.PutAsync("big/a.bin", data);
        var fromStream = await store.PutAsync("big/b.bin", new MemoryStream(data));

        var a = await store.GetAsync("big/a.bin");
        var b = await store.GetAsync("big/b.bin");
        Assert.Equal(data, a!.Content);
        Assert.Equal(data, b!.Content);
        Assert.Equal(fromBytes, a.ETag);
        Assert.Equal(fromStream, b.ETag);
    }

    [Fact]
    public async Task Put_from_a_one_way_stream_starts_at_its_current_position()
    {
        var store = CreateStore();
        var seekable = new MemoryStream(Bytes("skip|keep"));
        seekable.Position = 5;
        await store.PutAsync("s/seekable.txt", seekable);
        await store.PutAsync("s/oneway.txt", new OneWayStream(Bytes("all of it")));
        Assert.Equal("keep", Text(await store.GetAsync("s/seekable.txt")));
        Assert.Equal("all of it", Text(await store.GetAsync("s/oneway.txt")));
    }

    /// <summary>A stream that can only be read forward, like a network response.</summary>
    private sealed class OneWayStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
        public override long Length => throw new NotSupportedException();
    }
}
