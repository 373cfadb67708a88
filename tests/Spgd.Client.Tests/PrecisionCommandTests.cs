using System.Text.Json;
using Spgd.Core.Runtime;
using Spgd.Tests;

namespace Spgd.Client.Tests;

/// <summary><c>--precision</c> on the command line: bench nfe records what ran; fp16 on the CPU is one clean error.</summary>
public class PrecisionCommandTests
{
    private static JsonElement RunJson(params string[] args)
    {
        var json = Path.Combine(TestPaths.NewTempDir(), "bench.json");
        var r = SpgdProcess.Run([.. args, "--json", json]);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void BenchNfeRecordsThePrecisionTheReferenceCostTheWarmUpAndTheCpuFlags()
    {
        string precision = CpuFeatures.Current.HasBf16 ? "bf16" : "fp32";
        var root = RunJson("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32", "--repeats", "1",
            "--warmup", "0", "--no-forward", "--precision", precision, "--reference-cost");
        Assert.Equal(precision, root.GetProperty("precision").GetString());
        Assert.True(root.GetProperty("reference_cost").GetBoolean());
        Assert.False(root.GetProperty("recompute_activations").GetBoolean());
        Assert.True(root.GetProperty("median_seconds").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("warmup_runs").GetInt32()); // --warmup 0: none, even while the JIT is busy
        Assert.True(root.GetProperty("jit_seconds_while_timed").GetDouble() >= 0);
        var flags = root.GetProperty("machine").GetProperty("cpu_flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(CpuFeatures.Current.NotablePresent, flags);
    }

    [Fact]
    public void BenchNfeWithABaselineTimesBothInOneProcessAndRecordsTheRatioPairByPair()
    {
        string precision = CpuFeatures.Current.HasBf16 ? "bf16" : "fp32";
        var root = RunJson("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32", "--repeats", "3",
            "--warmup", "0", "--no-forward", "--precision", precision, "--baseline", "fp32");
        Assert.Equal(precision, root.GetProperty("precision").GetString());
        var baseline = root.GetProperty("baseline");
        Assert.Equal("fp32", baseline.GetProperty("precision").GetString());
        var candidate = root.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var reference = baseline.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var ratios = root.GetProperty("ratio_to_baseline").GetProperty("per_pair").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(3, ratios.Count);
        for (int i = 0; i < 3; i++) Assert.Equal(candidate[i] / reference[i], ratios[i], 12);
        Assert.Equal(ratios.Order().ElementAt(1), root.GetProperty("ratio_to_baseline").GetProperty("median").GetDouble(), 12);
        Assert.True(root.GetProperty("peak_rss_includes_baseline_network").GetBoolean());
    }

    [Fact]
    public void AnFp16BaselineOnTheCpuIsOneCleanError() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32",
            "--repeats", "1", "--baseline", "fp16"), "GPUs only");

    [Fact]
    public void Fp16OnTheCpuIsOneCleanError() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32",
            "--repeats", "1", "--precision", "fp16"), "GPUs only");

    [Fact]
    public void AnUnknownPrecisionIsRefusedByTheParser() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("bench", "nfe", "--precision", "half"), "half");

    [Fact]
    public void PrecisionOnTheClosedFormPriorIsRefused() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("run", "--precision", "bf16", "--images", "1", "--out", TestPaths.NewTempDir()), "--precision");
}
