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
    public void BenchNfeRecordsThePrecisionTheReferenceCostAndTheCpuFlags()
    {
        string precision = CpuFeatures.Current.HasBf16 ? "bf16" : "fp32";
        var root = RunJson("bench", "nfe", "--config", TestPaths.Fixture("unet", "config.json"), "--size", "32", "--repeats", "1",
            "--warmup", "0", "--no-forward", "--precision", precision, "--reference-cost");
        Assert.Equal(precision, root.GetProperty("precision").GetString());
        Assert.True(root.GetProperty("reference_cost").GetBoolean());
        Assert.False(root.GetProperty("recompute_activations").GetBoolean());
        Assert.True(root.GetProperty("median_seconds").GetDouble() > 0);
        var flags = root.GetProperty("machine").GetProperty("cpu_flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(CpuFeatures.Current.NotablePresent, flags);
    }

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
