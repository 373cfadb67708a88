using System.Text.Json;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary>Smoke tests of <c>spgd bench</c> at tiny sizes: the commands run and write the promised JSON fields.
/// No timed assertions: only that the numbers exist and are consistent.</summary>
public class BenchCommandTests
{
    private static JsonElement RunJson(params string[] args)
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "bench.json");
        var r = SpgdProcess.Run([.. args, "--json", json]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(json), r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void NfeOnTheFixtureUNetWritesTimeAndPeakMemory()
    {
        var root = RunJson("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32", "--batch", "2",
            "--repeats", "1", "--threads", "1");
        Assert.Equal("nfe", root.GetProperty("benchmark").GetString());
        Assert.True(root.GetProperty("median_seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("forward_median_seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("peak_rss_mb").GetDouble() >= root.GetProperty("rss_after_load_mb").GetDouble());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.Equal(2, root.GetProperty("batch").GetInt32());
        Assert.Equal(1_371_974, root.GetProperty("parameter_count").GetInt64());
        Assert.Single(root.GetProperty("seconds").EnumerateArray());
        Assert.True(root.GetProperty("gradient_pass_gflops").GetDouble() > root.GetProperty("forward_gflops").GetDouble());
    }

    [Fact]
    public void NfeOfTheSpectralPriorNeedsNoNetwork()
    {
        var root = RunJson("bench", "nfe", "--spectral-prior", "--size", "32", "--batch", "2", "--repeats", "2", "--warmup", "0");
        Assert.Equal("spectral-prior", root.GetProperty("model").GetString());
        Assert.Equal(2, root.GetProperty("seconds").GetArrayLength());
        Assert.True(root.GetProperty("median_seconds").GetDouble() > 0);
    }

    [Fact]
    public void OperatorsTimesEachRequestedTask()
    {
        var root = RunJson("bench", "operators", "--size", "64", "--batch", "1", "--repeats", "1", "--warmup", "0",
            "--tasks", "inpainting_random,gaussian_blur");
        var tasks = root.GetProperty("operators").EnumerateArray().Select(o => o.GetProperty("task").GetString()).ToList();
        Assert.Equal(["inpainting_random", "gaussian_blur"], tasks);
        Assert.All(root.GetProperty("operators").EnumerateArray(), o => Assert.True(o.GetProperty("gradient_median_seconds").GetDouble() > 0));
    }

    [Fact]
    public void RestoreCountsTimesNEvaluations()
    {
        var root = RunJson("bench", "restore", "--size", "32", "--batch", "1", "--steps", "3", "--inner", "2", "--repeats", "1",
            "--warmup", "0", "--tasks", "super_resolution");
        var task = Assert.Single(root.GetProperty("tasks").EnumerateArray());
        Assert.Equal("super_resolution", task.GetProperty("task").GetString());
        Assert.Equal(6, task.GetProperty("network_evaluations").GetInt64());
        Assert.True(task.GetProperty("median_seconds").GetDouble() > 0);
    }

    [Fact]
    public void MachineReportsAMatmulRate()
    {
        var root = RunJson("bench", "machine", "--matrix-size", "128", "--repeats", "1");
        Assert.True(root.GetProperty("matmul_gflops_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("copy_gb_per_second").GetDouble() > 0);
    }

    [Fact]
    public void ABatchOfZeroIsOneCleanError() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("bench", "nfe", "--batch", "0"), "--batch");
}
