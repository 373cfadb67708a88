using Spgd.Core.Denoising;
using Spgd.Tests;
using Xunit.Abstractions;
using Spgd.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Denoising;

public class SpectralGaussianPriorTests(ITestOutputHelper output)
{
    [Fact]
    public void DenoiserMatchesFixtureWithNSquaredNormalisation()
    {
        var json = Fixtures.Json("prior", "spectral_gaussian.json");
        double v = json.GetProperty("variance").GetDouble(), alpha = json.GetProperty("alpha").GetDouble();
        var n = json.GetProperty("size").GetInt32();
        using var input = Fixtures.Load("prior", "input.npy");
        using var expected = Fixtures.Load("prior", "denoised_sigma0.7.npy");

        using var actual = new SpectralGaussianPrior(v, alpha).Denoise(input, 0.7);
        // P = v·n·w/Σw (the JSON's wording) is the same prior with variance v/n.
        using var alternative = new SpectralGaussianPrior(v / n, alpha).Denoise(input, 0.7);

        var error = Fixtures.RelativeL2(actual, expected);
        var alternativeError = Fixtures.RelativeL2(alternative, expected);
        output.WriteLine($"rel L2 n²: {error:e3}, n: {alternativeError:e3}");
        Assert.True(error < 1e-5, $"v·n²·w/Σw: rel L2 {error:e3}");
        Assert.True(alternativeError > 1e-2, $"v·n·w/Σw: rel L2 {alternativeError:e3}");
    }

    [Fact]
    public void DenoiserIsDifferentiableAndLinear()
    {
        var prior = new SpectralGaussianPrior(0.25, 2);
        using var x = randn(1, 3, 16, 16).requires_grad_(true);
        using var weights = randn(1, 3, 16, 16);
        using var objective = (prior.Denoise(x, 0.5) * weights).sum();
        var gradient = torch.autograd.grad([objective], [x])[0];
        // D is a symmetric linear filter, so ∇ₓ⟨D(x), w⟩ = D(w).
        using var expected = prior.Denoise(weights, 0.5);
        Assert.True(Fixtures.RelativeL2(gradient, expected) < 1e-5);
    }

    [Fact]
    public void GradientNodeAgreesWithAutogradThroughTheTransforms()
    {
        // The prior differentiates through its own node (backward = the same filter); check it against libtorch's
        // autograd through rfft2/irfft2, which knows nothing of the filter's symmetry.
        using var scope = NewDisposeScope();
        var prior = new SpectralGaussianPrior(0.25, 3.5);
        using var g = new Generator(7, CPU);
        var x = randn([2, 3, 32, 32], generator: g);
        var target = randn([2, 3, 32, 32], generator: g);
        var xg = x.detach().requires_grad_(true);
        var ours = torch.autograd.grad([(prior.Denoise(xg, 0.8) - target).square().sum()], [xg])[0];

        var xr = x.detach().requires_grad_(true);
        var power = prior.PowerSpectrum(32, CPU);
        var gain = (power / (power + 0.64))[.., ..17];
        var plain = fft.irfft2(fft.rfft2(xr, norm: FFTNormType.Ortho) * gain, s: [32, 32], norm: FFTNormType.Ortho);
        var reference = torch.autograd.grad([(plain - target).square().sum()], [xr])[0];
        Assert.True(Fixtures.RelativeL2(ours, reference) < 1e-5, $"rel L2 {Fixtures.RelativeL2(ours, reference):e3}");
    }

    [Fact]
    public void SpectrumIsCachedPerSizeAndSumsToVarianceTimesPixels()
    {
        var prior = new SpectralGaussianPrior(0.3, 2.5);
        var a = prior.PowerSpectrum(32, CPU);
        Assert.Same(a, prior.PowerSpectrum(32, CPU));
        Assert.NotSame(a, prior.PowerSpectrum(16, CPU));
        Assert.Equal(0.3 * 32 * 32, a.sum().item<float>(), 0.3 * 32 * 32 * 1e-5);
    }

    [Fact]
    public void SamplesAreDeterministicAndHaveThePriorsVariance()
    {
        var prior = new SpectralGaussianPrior(0.25, 2);
        using var a = prior.Sample(64, 32, seed: 7);
        using var b = prior.Sample(64, 32, seed: 7);
        using var c = prior.Sample(64, 32, seed: 8);
        Assert.Equal(new long[] { 64, 3, 32, 32 }, a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(c).all().item<bool>());
        Assert.Equal(0.25, a.square().mean().item<float>(), 0.25 * 0.1);
    }

    [Fact]
    public void DenoisingASampleAtLowNoiseNearlyReturnsIt()
    {
        var prior = new SpectralGaussianPrior(0.25, 2);
        using var clean = prior.Sample(2, 32, seed: 1);
        using var generator = new Generator(2, CPU);
        using var noisy = clean + 0.1 * randn(clean.shape, generator: generator);
        using var denoised = prior.Denoise(noisy, 0.1);
        // The posterior mean must beat the noisy input.
        Assert.True((denoised - clean).square().mean().item<float>() < (noisy - clean).square().mean().item<float>());
    }

    [Theory]
    [InlineData(0.25, 2.0)]
    [InlineData(0.1, 3.5)]
    public void FitRecoversParametersOfExactDraws(double variance, double alpha)
    {
        var truth = new SpectralGaussianPrior(variance, alpha);
        using var images = truth.Sample(64, 64, seed: 11);
        var fitted = SpectralGaussianPrior.Fit([images]);
        output.WriteLine($"fitted v {fitted.Variance:f4} (true {variance}), α {fitted.Alpha:f4} (true {alpha})");
        // Measured over seeds 20–29 (64 draws of 64²): |α error| ≤ 0.009; v error ≤ 1.8% (α 2), ≤ 10% (α 3.5, where the
        // DC term carries much of the variance).
        Assert.True(Math.Abs(fitted.Alpha - alpha) < 0.03, $"α: fitted {fitted.Alpha:f4}, true {alpha}");
        Assert.True(Math.Abs(fitted.Variance / variance - 1) < 0.15, $"v: fitted {fitted.Variance:f4}, true {variance}");
    }

    [Fact]
    public void FitsTheFfhqDemoFolder()
    {
        var fitted = SpectralGaussianPrior.Fit(TestPaths.FfhqDemo, size: 128);
        output.WriteLine($"ffhq-demo at 128²: v {fitted.Variance:f4}, α {fitted.Alpha:f4}");
        // Measured: v 0.3350, α 3.9097 (in log(|k| + 1/n), whose offset steepens the 1/|k|^2..3 of natural images).
        Assert.InRange(fitted.Alpha, 3.0, 5.0);
        Assert.InRange(fitted.Variance, 0.05, 1.0);
        Assert.Throws<DirectoryNotFoundException>(() => SpectralGaussianPrior.Fit(Path.Combine(TestPaths.FfhqDemo, "missing")));
    }

    [Fact]
    public void RejectsNonSquareInput()
    {
        using var x = zeros(1, 3, 8, 16);
        var e = Assert.Throws<ArgumentException>(() => SpectralGaussianPrior.Default.Denoise(x, 1));
        Assert.Contains("square", e.Message);
    }
}
