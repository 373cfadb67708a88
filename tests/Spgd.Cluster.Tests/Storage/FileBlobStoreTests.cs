using System.Text;
using Spgd.Storage;
using Spgd.Tests;

namespace Spgd.Cluster.Tests.Storage;

public sealed class FileBlobStoreTests : BlobStoreContractTests, IDisposable
{
    private readonly List<string> _dirs = [];

    protected override IBlobStore CreateStore() => new FileBlobStore(NewDir());

    private string NewDir()
    {
        var dir = TestPaths.NewTempDir("spgd-blobs");
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Blobs_are_plain_files_under_the_root_and_no_temporary_files_stay_behind()
    {
        var root = NewDir();
        var store = new FileBlobStore(root);
        await store.PutAsync("jobs/j/items/t/img-run0.json", Encoding.UTF8.GetBytes("{}"));
        await store.PutAsync("jobs/j/items/t/img-run0.json", Encoding.UTF8.GetBytes("{\"v\":2}"));

        Assert.Equal("{\"v\":2}", File.ReadAllText(Path.Combine(root, "jobs", "j", "items", "t", "img-run0.json")));
        Assert.Equal(["img-run0.json"], Directory.GetFiles(Path.Combine(root, "jobs", "j", "items", "t")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(root, FileBlobStore.InternalFolder, "tmp")));
        Assert.Equal(["jobs/j/items/t/img-run0.json"], await store.ListAsync());
    }

    [Fact]
    public async Task The_internal_folder_is_not_a_blob_name()
    {
        var store = new FileBlobStore(NewDir());
        var ex = await Assert.ThrowsAsync<InvalidBlobNameException>(() => store.PutAsync(FileBlobStore.InternalFolder + "/locks/00.lock", new byte[1]));
        Assert.Contains("reserved", ex.Message);
    }

    [Fact]
    public async Task Etags_agree_between_independent_instances_on_one_root()
    {
        var root = NewDir();
        var eTag = await new FileBlobStore(root).PutAsync("a.txt", Encoding.UTF8.GetBytes("same"));
        Assert.Equal(eTag, (await new FileBlobStore(root).GetAsync("a.txt"))!.ETag);
    }

    [Fact]
    public async Task Conditional_writers_through_separate_instances_serialize_on_the_os_file_lock()
    {
        // Separate instances share no in-process lock, exactly like separate processes: only flock orders them.
        var root = NewDir();
        var stores = Enumerable.Range(0, 4).Select(_ => new FileBlobStore(root)).ToArray();
        await stores[0].PutAsync("counter", Encoding.UTF8.GetBytes("0"));
        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            for (var n = 0; n < 10; n++)
            {
                while (true)
                {
                    var current = (await store.GetAsync("counter"))!;
                    var next = int.Parse(Encoding.UTF8.GetString(current.Content)) + 1;
                    try
                    {
                        await store.PutAsync("counter", Encoding.UTF8.GetBytes(next.ToString()), BlobCondition.IfMatch(current.ETag));
                        break;
                    }
                    catch (BlobConcurrencyException) { }
                }
            }
        })));
        Assert.Equal("40", Encoding.UTF8.GetString((await stores[0].GetAsync("counter"))!.Content));
    }

    [Fact]
    public async Task A_blob_cannot_replace_a_folder_of_blobs()
    {
        var store = new FileBlobStore(NewDir());
        await store.PutAsync("jobs/j/spec.json", new byte[1]);
        var ex = await Assert.ThrowsAsync<BlobStoreException>(() => store.PutAsync("jobs/j", new byte[1]));
        Assert.Contains("folder", ex.Message);
    }

    private sealed record Item(string Image, double Psnr);

    [Fact]
    public async Task Text_and_json_helpers_round_trip_and_name_a_bad_blob()
    {
        var store = new FileBlobStore(NewDir());
        await store.PutTextAsync("a.txt", "héllo");
        Assert.Equal("héllo", await store.GetTextAsync("a.txt"));
        Assert.Null(await store.GetTextAsync("missing.txt"));

        await store.PutJsonAsync("jobs/j/items/t/img-run0.json", new Item("img", 31.5));
        Assert.Equal("{\"image\":\"img\",\"psnr\":31.5}", await store.GetTextAsync("jobs/j/items/t/img-run0.json"));
        Assert.Equal(new Item("img", 31.5), await store.GetJsonAsync<Item>("jobs/j/items/t/img-run0.json"));
        Assert.Null(await store.GetJsonAsync<Item>("jobs/j/none.json"));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetJsonAsync<Item>("a.txt"));
        Assert.Contains("'a.txt'", ex.Message);
    }

    [Fact]
    public async Task Stale_temporary_files_of_crashed_writers_are_removed_on_open()
    {
        var root = NewDir();
        _ = new FileBlobStore(root);
        var tmp = Path.Combine(root, FileBlobStore.InternalFolder, "tmp");
        var stale = Path.Combine(tmp, "old.tmp");
        var fresh = Path.Combine(tmp, "new.tmp");
        await File.WriteAllBytesAsync(stale, [1]);
        await File.WriteAllBytesAsync(fresh, [1]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        _ = new FileBlobStore(root);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void ToString_names_the_root()
    {
        var root = NewDir();
        Assert.Equal($"FileBlobStore({root})", new FileBlobStore(root).ToString());
    }
}

public sealed class FileBlobStoreCrossProcessTests
{
    [Fact]
    public async Task A_write_waits_while_another_process_holds_the_blob_lock()
    {
        var root = TestPaths.NewTempDir("spgd-flock");
        var store = new FileBlobStore(root);
        await store.PutAsync("state/x", Encoding.UTF8.GetBytes("before"));
        var lockPath = store.LockPathOf("state/x");

        // util-linux flock(1) takes the same kind of lock (flock(2)) in a separate process.
        var psi = new System.Diagnostics.ProcessStartInfo("flock") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-x", lockPath, "-c", "echo locked; exec sleep 60" }) psi.ArgumentList.Add(a);
        using var holder = System.Diagnostics.Process.Start(psi)!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
            var put = store.PutAsync("state/x", Encoding.UTF8.GetBytes("after"));
            await Task.Delay(300);
            Assert.False(put.IsCompleted, "the put finished while another process held its lock");
            Assert.Equal("before", Encoding.UTF8.GetString((await store.GetAsync("state/x"))!.Content));

            holder.Kill(entireProcessTree: true);
            await put;
            Assert.Equal("after", Encoding.UTF8.GetString((await store.GetAsync("state/x"))!.Content));
        }
        finally
        {
            if (!holder.HasExited) holder.Kill(entireProcessTree: true);
            Directory.Delete(root, true);
        }
    }
}
