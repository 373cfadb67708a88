using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Spgd.Cluster.Tests.Infrastructure;
using Spgd.Contracts.Jobs;
using Spgd.Contracts.Results;
using Spgd.Core.Imaging;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Cluster.Tests.Faults;

/// <summary>
/// Hostile files and specs against a running cluster (control + compute silo processes, Redis, Azurite): each is
/// refused at submit with one clear stderr line, or becomes a failed item with its reason after exactly one
/// attempt; no silo crashes or hangs, and the account key shows up in no error.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileInputTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Hostile_specs_are_refused_at_submit_and_hostile_files_fail_once_with_their_reason()
    {
        var storage = new FaultStorage(azurite);
        var dir = TestPaths.NewTempDir("spgd-faults");
        var corpus = Directory.CreateDirectory(Path.Combine(dir, "hostile")).FullName;
        var dataset = BuildHostileDataset(corpus);
        await using var cluster = await ProcessCluster.StartAsync(storage.ConnectionString, dir);
        // Data roots: the working folder (the corpus) and the fixtures (a real checkpoint of the wrong architecture).
        var roots = new Dictionary<string, string> { ["SPGD_DATA_ROOTS"] = string.Join(Path.PathSeparator, dir, TestPaths.Fixtures) };
        cluster.AddSilo("control", environment: roots);
        cluster.AddSilo("compute", "cpu", slots: 1, environment: roots);
        await cluster.WaitReadyAsync(TimeSpan.FromMinutes(2));

        // 1. Refused at submit: non-zero exit and exactly one stderr line naming the problem.
        File.WriteAllText(Path.Combine(corpus, "not-a-checkpoint.pt"), "this is not a checkpoint");
        Directory.CreateDirectory(Path.Combine(corpus, "empty"));
        var refusals = new (string[] Args, string Mentions)[]
        {
            (["--steps", "1000000000"], "steps"),
            (["--warmup", "100000"], "warmup"),
            (["--size", "100000"], "size"),
            (["--size", "0"], "size"),
            (["--runs", "0"], "run"),
            (["--runs", "1000000"], "runs"),
            (["--images", "-3"], "images"),
            (["--images", "100000000"], "images"),
            (["--task", "no_such_task"], "no_such_task"),
            (["--seed", "-1"], "seed"),
            (["--dataset", Path.Combine(corpus, "missing")], "missing"),
            (["--dataset", Path.Combine(corpus, "empty")], "empty"),
            (["--id", "../../escape"], "id"),
            (["--id", "bad\u0007id\nsecond-line"], "id"),
            (["--id", new string('x', 300)], "id"),
        };
        var wrong = new List<string>();
        foreach (var (k, (args, mentions)) in refusals.Index())
        {
            string[] id = args.Contains("--id") ? [] : ["--id", $"hostile-refused-{k}"]; // a used id answers with its job
            await using var p = Client.Tests.Cluster.SpgdProcess.StartSpgd(cluster.Dir, null,
                ["submit", .. id, .. args, "--clustering", cluster.Clustering]);
            var code = await p.WaitAsync(TimeSpan.FromMinutes(1));
            var text = p.Output;
            output.WriteLine($"{string.Join(' ', args).ReplaceLineEndings("\\n")} -> exit {code}: {text.Trim()}");
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (code == 0 || lines.Length != 1 || !lines[0].Contains(mentions, StringComparison.OrdinalIgnoreCase) || text.Contains("   at "))
                wrong.Add($"{string.Join(' ', args)} -> exit {code}, expected one line mentioning '{mentions}':\n{text}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // 2. Hostile files: failed items with their reasons, one attempt each; the good files still succeed.
        await using var client = await cluster.ConnectAsync();
        var submit = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), "submit", "--id", "hostile-files", "--dataset", dataset,
            "--task", "inpainting_random", "--size", "32", "--steps", "4", "--warmup", "2");
        Assert.True(submit.ExitCode == 0, submit.Output);
        var end = await ProcessCluster.WaitForAsync(client.Client, "hostile-files", s => s.IsTerminal, TimeSpan.FromMinutes(3));
        output.WriteLine($"hostile files: {end.State}, {end.Succeeded} succeeded, {end.Failed} failed, {end.Retries} retries");
        var items = await client.Client.GetGrain<IJobGrain>("hostile-files").GetItemsAsync();
        var summary = await client.Client.GetGrain<IAggregatorGrain>("hostile-files/inpainting_random").GetSummaryAsync();
        foreach (var f in summary.Failures) output.WriteLine($"  {f.ItemId}: {f.Reason}");

        Assert.Equal(JobState.CompletedWithFailures, end.State);
        Assert.Equal(0, end.Retries);
        // notes.txt is not an image (extension and signature): skipped and named in the manifest, not an item.
        var bad = new[] { "truncated", "corrupt", "zero-bytes", "huge-header" };
        Assert.Equal(bad.Order(), summary.Failures.Select(f => f.ItemId.Split('/')[1].Split("-run")[0]).Order());
        foreach (var f in summary.Failures)
        {
            var file = f.ItemId.Split('/')[1].Split("-run")[0];
            Assert.Contains(file, f.Reason); // names its file
            Assert.DoesNotContain(f.Reason, char.IsControl);
        }
        Assert.All(items.Where(i => i.State == ItemState.Failed), i => Assert.Equal(1, i.Attempts));
        Assert.Equal(items.Count - bad.Length, end.Succeeded);
        Assert.All(cluster.Silos, s => Assert.True(s.Process!.Output.Length > 0 && !s.Process.Output.Contains("Unhandled exception"), s.Name));

        // 3. Checkpoints that are missing, not checkpoints, or of another architecture: paths are resolved on the
        // silos, so these fail as items, once each, with the loader's reason.
        var checkpoints = new (string Job, string Path, string Mentions)[]
        {
            ("hostile-ckpt-missing", Path.Combine(corpus, "missing.pt"), "missing.pt"),
            ("hostile-ckpt-text", Path.Combine(corpus, "not-a-checkpoint.pt"), "not-a-checkpoint.pt"),
            ("hostile-ckpt-arch", TestPaths.Fixture("unet", "checkpoint.pt"), "checkpoint.pt"),
        };
        Assert.True(File.Exists(checkpoints[2].Path), $"fixture {checkpoints[2].Path} is missing");
        foreach (var (job, path, _) in checkpoints)
        {
            var r = await cluster.SpgdAsync(TimeSpan.FromMinutes(1), "submit", "--id", job, "--images", "2", "--task", "inpainting_random",
                "--model", "ffhq256", "--checkpoint", path, "--size", "32", "--steps", "2", "--warmup", "1");
            Assert.True(r.ExitCode == 0, r.Output);
        }
        foreach (var (job, _, mentions) in checkpoints)
        {
            var s = await ProcessCluster.WaitForAsync(client.Client, job, s => s.IsTerminal, TimeSpan.FromMinutes(3));
            var failures = (await client.Client.GetGrain<IAggregatorGrain>($"{job}/inpainting_random").GetSummaryAsync()).Failures;
            output.WriteLine($"{job}: {s.State}, {s.Failed} failed, {s.Retries} retries; {failures.FirstOrDefault()?.Reason}");
            Assert.Equal(JobState.Failed, s.State);
            Assert.Equal(2, s.Failed);
            Assert.Equal(0, s.Retries);
            Assert.All(await client.Client.GetGrain<IJobGrain>(job).GetItemsAsync(), i => Assert.Equal(1, i.Attempts));
            Assert.All(failures, f => Assert.Contains(mentions, f.Reason));
        }
        Assert.All(cluster.Silos, s => Assert.True(s.IsRunning && !s.Process!.Output.Contains("Unhandled exception"), s.Name));

        Secrets.AssertAbsent(azurite, cluster.Logs, "silo logs");
        await Secrets.AssertAbsentInStorageAsync(azurite, storage);
    }

    /// <summary>Good and hostile images side by side; every file that claims to be an image is an item.</summary>
    private static string BuildHostileDataset(string root)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "dataset")).FullName;
        byte[] good;
        using (var gen = new Generator(7)) using (var image = rand([3, 40, 48], generator: gen) * 2 - 1) good = ImageIO.EncodePng(image);
        File.WriteAllBytes(Path.Combine(dir, "good.png"), good);
        File.WriteAllBytes(Path.Combine(dir, "dots..in..name.png"), good);
        File.WriteAllBytes(Path.Combine(dir, "truncated.png"), good[..(good.Length / 2)]);
        File.WriteAllBytes(Path.Combine(dir, "corrupt.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes("JFIF garbage that is not a JPEG stream")]);
        File.WriteAllBytes(Path.Combine(dir, "zero-bytes.png"), []);
        File.WriteAllBytes(Path.Combine(dir, "huge-header.png"), PngHeader(100_000, 100_000));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "a text file in the image folder");
        return dir;
    }

    /// <summary>A PNG signature and a valid IHDR chunk claiming <paramref name="width"/>×<paramref name="height"/> RGB pixels, and no data.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        var typeAndData = Encoding.ASCII.GetBytes("IHDR").Concat(ihdr).ToArray();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, ihdr.Length);
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. length, .. typeAndData, .. crc];
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), so the header is valid and only its size is hostile.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
