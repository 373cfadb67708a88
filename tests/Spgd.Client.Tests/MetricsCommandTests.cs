using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Core.Checkpoints;
using Spgd.Core.Tests.Metrics;
using Spgd.Tests;

namespace Spgd.Client.Tests;

public class MetricsCommandTests
{
    [Theory]
    [InlineData("noisy")]
    [InlineData("blurred")]
    public void PrintsPiqPsnrAndSsimPerImage(string pair)
    {
        var r = SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("metrics", pair + ".npy"));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var printed = JsonDocument.Parse(r.Stdout);
        using var expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("metrics", "expected.json")));
        foreach (var metric in new[] { "psnr", "ssim" })
        {
            var want = expected.RootElement.GetProperty(pair).GetProperty(metric).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var got = printed.RootElement.GetProperty(metric).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(want.Length, got.Length);
            for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) < 1e-4, $"{metric}[{i}]: {want[i]} vs {got[i]}");
        }
        Assert.Equal(JsonValueKind.Null, printed.RootElement.GetProperty("lpips").ValueKind);
    }

    [Fact]
    public void IdenticalSingleImageScoresPerfectly()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
        var all = NpyFile.Read(TestPaths.Fixture("metrics", "reference.npy"));
        var one = new NpyArray([3, 256, 256], all.Data[..(3 * 256 * 256)]);
        var path = Path.Combine(dir, "one.npy");
        NpyFile.Write(path, one);
        var r = SpgdProcess.Run("metrics", "--reference", path, "--candidate", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var printed = JsonDocument.Parse(r.Stdout);
        Assert.Equal(80.0, printed.RootElement.GetProperty("psnr")[0].GetDouble(), 3);
        Assert.Equal(1.0, printed.RootElement.GetProperty("ssim")[0].GetDouble(), 5);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void PrintsLpipsWhenGivenWeightFiles()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var vgg = Path.Combine(dir, "vgg16.safetensors");
            CheckpointReader.SaveSafetensors(vgg, SyntheticVgg16.StateDict());
            var r = SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
                "--candidate", TestPaths.Fixture("metrics", "noisy.npy"), "--lpips-vgg", vgg, "--lpips-lin", TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth"));
            Assert.True(r.ExitCode == 0, r.ToString());
            using var printed = JsonDocument.Parse(r.Stdout);
            using var expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("lpips", "expected.json")));
            var want = expected.RootElement.GetProperty("noisy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var got = printed.RootElement.GetProperty("lpips").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(want.Length, got.Length);
            for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(want[i] - got[i]) < 1e-4, $"lpips[{i}]: {want[i]} vs {got[i]}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void OneLpipsFileWithoutTheOtherIsRejected() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("metrics", "noisy.npy"), "--lpips-lin", TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth")), "--lpips-vgg");

    [Fact]
    public void WrongLpipsWeightsAreNamed() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("metrics", "noisy.npy"), "--lpips-vgg", TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth"),
            "--lpips-lin", TestPaths.Fixture("lpips", "lpips_v0.1_vgg.pth")), "features.0.weight");

    [Fact]
    public void MismatchedShapesFailCleanly() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("operators", "x.npy")), "(1, 3, 64, 64)");

    [Fact]
    public void NonNpyInputFailsCleanly() =>
        SpgdProcess.AssertCleanFailure(SpgdProcess.Run("metrics", "--reference", TestPaths.Fixture("metrics", "reference.npy"),
            "--candidate", TestPaths.Fixture("metrics", "expected.json")), "not a .npy file");
}
