using Spgd.Tests;

namespace Spgd.Client.Tests.Cluster;

/// <summary>
/// A real multi-process cluster: Redis membership, one silo without a device and one simulated compute
/// silo, driven by <c>spgd submit --watch</c> and <c>spgd jobs</c> in separate processes.
/// </summary>
public sealed class RedisClusterTests
{
    [Fact]
    public async Task Silos_on_redis_run_a_submitted_job_and_the_client_loads_no_torch()
    {
        var dir = TestPaths.NewTempDir("spgd-redis");
        var storage = Path.Combine(dir, "store");
        var (redisProcess, clustering) = await RedisServer.StartAsync(dir);
        await using var redis = redisProcess;

        await using var control = SpgdProcess.StartSpgd(dir, null, "silo", "--clustering", clustering, "--storage", storage,
            "--silo-port", SpgdProcess.FreePort().ToString(), "--gateway-port", SpgdProcess.FreePort().ToString());
        await using var compute = SpgdProcess.StartSpgd(dir, null, "silo", "--clustering", clustering, "--storage", storage,
            "--device", "cpu", "--slots", "2", "--simulate-ms", "100",
            "--silo-port", SpgdProcess.FreePort().ToString(), "--gateway-port", SpgdProcess.FreePort().ToString());
        await compute.WaitForOutputAsync("Device cpu ready", TimeSpan.FromSeconds(90));

        await using var submit = SpgdProcess.StartSpgd(dir, null, "submit", "--clustering", clustering, "--id", "redis-job",
            "--images", "5", "--task", "inpainting_random", "--watch");
        Assert.True(await submit.WaitAsync(TimeSpan.FromMinutes(2)) == 0, submit.Output);
        Assert.Contains("Job redis-job ended Completed: 5 succeeded, 0 failed", submit.Output);

        var spec = Path.Combine(TestPaths.RepoRoot, "examples", "specs", "demo.yaml");
        await using var submitSpec = SpgdProcess.StartSpgd(dir, null, "submit", spec, "--clustering", clustering, "--watch");
        Assert.True(await submitSpec.WaitAsync(TimeSpan.FromMinutes(2)) == 0, submitSpec.Output);
        Assert.Contains("Job spectral-demo ended Completed: 24 succeeded, 0 failed", submitSpec.Output); // 4 images × 3 tasks × 2 runs

        // Confinement: the silos read only under their roots (here: their storage and working folder), so a spec naming
        // a checkpoint in /etc or a data set folder reached through '../' is refused at submission, in one line.
        var outside = TestPaths.NewTempDir("spgd-outside");
        File.Copy(Directory.GetFiles(TestPaths.FfhqDemo, "*.png").Order(StringComparer.Ordinal).First(), Path.Combine(outside, "a.png"));
        var specs = Path.Combine(dir, "specs");
        Directory.CreateDirectory(specs);
        Assert.StartsWith("..", Path.GetRelativePath(specs, outside)); // the spec reaches the images through '..' 
        var refused = new Dictionary<string, (string Yaml, string Field)>
        {
            ["etc-checkpoint"] = ("dataset: {builtin: spectral-demo, count: 1, image_size: 256}\nmodel: {kind: unet, preset: ffhq256, checkpoint: /etc/passwd}\n",
                "model.checkpoint: '/etc/passwd' is outside the folders this cluster reads data from"),
            ["dotdot-folder"] = ($"dataset: {{folder: {Path.GetRelativePath(specs, outside)}, image_size: 64}}\nmodel: {{kind: spectral-gaussian}}\n",
                "dataset.folder: '" + outside),
        };
        foreach (var (name, (yaml, field)) in refused)
        {
            var refusedSpec = Path.Combine(specs, name + ".yaml");
            File.WriteAllText(refusedSpec, yaml + "tasks: [{name: inpainting_random}]\n");
            await using var submitRefused = SpgdProcess.StartSpgd(dir, null, "submit", refusedSpec, "--clustering", clustering, "--id", name);
            Assert.True(await submitRefused.WaitAsync(TimeSpan.FromMinutes(1)) != 0, submitRefused.Output);
            var lines = submitRefused.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, submitRefused.Output);
            Assert.Contains(field, lines[0]);
        }

        await using var jobs = SpgdProcess.StartSpgd(dir, new Dictionary<string, string> { ["SPGD_DEBUG_ASSEMBLIES"] = "1" },
            "jobs", "--clustering", clustering);
        Assert.True(await jobs.WaitAsync(TimeSpan.FromMinutes(1)) == 0, jobs.Output);
        Assert.Contains("redis-job", jobs.Output);
        Assert.Contains("spectral-demo", jobs.Output);
        Assert.Contains("loaded assembly: Spgd.Contracts", jobs.Output);
        Assert.DoesNotContain("loaded assembly: TorchSharp", jobs.Output);
        Assert.DoesNotContain("loaded assembly: Spgd.Core", jobs.Output);

        var local = Path.Combine(dir, "results");
        await using var results = SpgdProcess.StartSpgd(dir, null, "results", "redis-job", "--storage", storage, "--out", local);
        Assert.True(await results.WaitAsync(TimeSpan.FromMinutes(1)) == 0, results.Output);
        Assert.Matches(@"\| SPGD N=\d+ ", results.Output); // the row names what ran
        var summary = Path.Combine(local, "summary", "inpainting_random", "metrics.csv");
        Assert.True(File.Exists(summary), summary);
        Assert.Equal(6, File.ReadAllLines(summary).Length); // header + 5 images
        Assert.Equal(5, Directory.GetFiles(Path.Combine(local, "items", "inpainting_random"), "*.json").Length);
    }
}
