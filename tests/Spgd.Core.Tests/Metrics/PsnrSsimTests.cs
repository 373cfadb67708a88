using Spgd.Core.Metrics;
using TorchSharp;
using Xunit.Abstractions;

namespace Spgd.Core.Tests.Metrics;

public class PsnrSsimTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("noisy")]
    [InlineData("blurred")]
    public void PsnrMatchesPiq(string pair)
    {
        using var reference = MetricFixtures.Load("reference");
        using var candidate = MetricFixtures.Load(pair);
        using var psnr = Psnr.Compute(reference, candidate);
        AssertClose(MetricFixtures.Expected(pair, "psnr"), psnr.data<float>().ToArray());
    }

    [Theory]
    [InlineData("noisy")]
    [InlineData("blurred")]
    public void SsimMatchesPiq(string pair)
    {
        using var reference = MetricFixtures.Load("reference");
        using var candidate = MetricFixtures.Load(pair);
        using var ssim = Ssim.Compute(reference, candidate);
        AssertClose(MetricFixtures.Expected(pair, "ssim"), ssim.data<float>().ToArray());
    }

    [Fact]
    public void IdenticalImagesScoreEightyDecibelsAndSsimOne()
    {
        using var reference = MetricFixtures.Load("reference");
        using var set = new MetricSet();
        var metrics = set.Compute(reference, reference.clone());
        Assert.Equal(3, metrics.Length);
        foreach (var m in metrics)
        {
            Assert.Equal(80.0, m.Psnr, 3); // −10·log10(0 + 1e-8)
            Assert.Equal(1.0, m.Ssim, 5);
            Assert.Null(m.Lpips);
        }
    }

    [Fact]
    public void SsimPoolsLargeImagesBeforeComparing()
    {
        // 512×512: f = round(512/256) = 2, so SSIM of a 2×-upsampled pair equals SSIM of the original pair.
        using var reference = MetricFixtures.Load("reference")[..1];
        using var candidate = MetricFixtures.Load("noisy")[..1];
        using var up = torch.nn.functional.interpolate(reference, scale_factor: [2, 2], mode: torch.InterpolationMode.Nearest);
        using var upCandidate = torch.nn.functional.interpolate(candidate, scale_factor: [2, 2], mode: torch.InterpolationMode.Nearest);
        using var small = Ssim.Compute(reference, candidate);
        using var large = Ssim.Compute(up, upCandidate);
        Assert.Equal(small.item<float>(), large.item<float>(), 5);
    }

    [Fact]
    public void MismatchedShapesAreRejectedWithBothShapes()
    {
        using var a = torch.zeros(1, 3, 32, 32);
        using var b = torch.zeros(1, 3, 32, 16);
        var e = Assert.Throws<ArgumentException>(() => Psnr.Compute(a, b));
        Assert.Contains("(1, 3, 32, 32)", e.Message);
        Assert.Contains("(1, 3, 32, 16)", e.Message);
    }

    [Fact]
    public void NonFiniteValuesAreRejected()
    {
        using var a = torch.zeros(1, 3, 32, 32);
        using var b = torch.full(1, 3, 32, 32, double.NaN);
        using var set = new MetricSet();
        Assert.Throws<ArgumentException>(() => set.Compute(a, b));
    }

    private void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        output.WriteLine($"max |Δ| = {expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max():E2}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"image {i}: expected {expected[i]}, got {actual[i]}");
    }
}
