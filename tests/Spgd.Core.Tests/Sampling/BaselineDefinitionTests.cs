using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

/// <summary>
/// Each baseline against its definition, one outer step hand-computed with the spectral prior on random inpainting.
/// With T = 1 the schedule has σ_0 = σ and σ_1 = 0, so step_0/2 = σ² and the Euler denoising step lands exactly on x̂₀.
/// The prior D and the mask A are linear and self-adjoint, so gradients have closed forms.
/// </summary>
public class BaselineDefinitionTests
{
    private const int Size = 16;
    private const double Sigma = 0.8;
    private static readonly SpectralGaussianPrior Prior = new(0.25, 2);

    private static (Tensor Start, Tensor Y, ForwardOperator Op) Problem(int batch)
    {
        var clean = Prior.Sample(batch, Size, 5);
        var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom, 0.05) { DropFraction = 0.5 }, Size, Size, 6);
        using var generator = new Generator(7, CPU);
        var start = Sigma * randn(clean.shape, generator: generator) + clean;
        return (start, Measurement.Simulate(op, clean, 0.05, 8), op);
    }

    private static SpgdOptions OneStep => new() { Steps = 1, SigmaMax = Sigma, SigmaMin = Sigma, LearningRate = 0.7 };

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var error = ((actual - expected).norm() / expected.norm()).item<float>();
        Assert.True(error < 1e-5, $"relative error {error}");
    }

    [Fact]
    public void NoGradientManagementIsOneRawLikelihoodStepThenTheDenoisingStep()
    {
        // x⁽¹⁾ = x − η·∇‖A·D(x) − y‖² = x − η·2·D(A(A·x̂₀ − y)); then x_{t−1} = x⁽¹⁾ + (x̂₀ − x)·σ²/σ² = x̂₀ − η·2·D(A(A·x̂₀ − y)).
        var (start, y, op) = Problem(2);
        var options = (OneStep with { Warmup = 5, Adm = true }).WithoutGradientManagement();
        Assert.Equal(1, options.Warmup);
        Assert.False(options.EffectiveAdm);
        var sampler = PosteriorSamplers.Create(Prior, options);
        using var output = sampler.Sample(start, y, op);

        using var x0 = Prior.Denoise(start, Sigma);
        using var expected = x0 - 0.7 * 2 * Prior.Denoise(op.Apply(op.Apply(x0) - y), Sigma);
        AssertClose(expected, output);
        Assert.Equal(1, sampler.NetworkEvaluations);
    }

    [Fact]
    public void DpsIsTheDenoisingStepThenALikelihoodStepOfSizeZetaTakenAtXt()
    {
        // x' = x̂₀; r = y − A·x̂₀; ∇ₓ‖r‖ = −D(A·r)/‖r‖ per sample; x_{t−1} = x' + ζ·D(A·r)/‖r‖.
        var (start, y, op) = Problem(2);
        const double zeta = 0.4;
        var sampler = PosteriorSamplers.Create(Prior, OneStep with { Algorithm = SamplerAlgorithm.Dps, DpsStepSize = zeta });
        using var output = sampler.Sample(start, y, op);

        using var x0 = Prior.Denoise(start, Sigma);
        using var r = y - op.Apply(x0);
        using var norms = r.flatten(1).norm(1).reshape(-1, 1, 1, 1);
        using var expected = x0 + zeta * Prior.Denoise(op.Apply(r), Sigma) / norms;
        AssertClose(expected, output);
        Assert.Equal(1, sampler.NetworkEvaluations);
    }

    [Fact]
    public void AdmSwitchOverridesThePresetsChoice()
    {
        var (start, y, op) = Problem(1);
        var basis = new SpgdOptions { Steps = 3, Warmup = 3, LearningRate = 1.0, SigmaMax = 2, SigmaMin = 0.1 };
        Tensor Run(SpgdOptions o) => new SpgdSampler(Prior, o).Sample(start, y, op);

        Assert.True(basis.EffectiveAdm);
        Assert.False((basis with { Preset = SpgdPreset.Reference }).EffectiveAdm);
        using var paperNoAdm = Run(basis with { Adm = false, Beta = 0.9 });
        using var reference = Run(basis with { Preset = SpgdPreset.Reference });
        using var referenceAdm = Run(basis with { Preset = SpgdPreset.Reference, Adm = true });
        using var paper = Run(basis with { Beta = 0.9 });
        Assert.True(paperNoAdm.eq(reference).all().item<bool>(), "paper with ADM off must step with the raw gradient as the reference does");
        Assert.True(referenceAdm.eq(paper).all().item<bool>(), "reference with ADM on must step with the smoothed gradient as the paper does");
        Assert.False(paper.allclose(reference, rtol: 1e-4, atol: 1e-5), "ADM must change a run with N > 1");
    }

    [Fact]
    public void AdmSmoothedSecondWarmupStepMatchesEquations12And13()
    {
        // N = 2 with ADM: g̃⁽¹⁾ = aβ·g⁽⁰⁾ + (1 − aβ)·g⁽¹⁾, a = (cos(g⁽⁰⁾, g⁽¹⁾) + 1)/2; T = 1 ends on x̂₀(x⁽¹⁾).
        var (start, y, op) = Problem(1);
        const double lr = 0.7, beta = 0.95;
        using var output = new SpgdSampler(Prior, OneStep with { Warmup = 2, Beta = beta }).Sample(start, y, op);

        Tensor Gradient(Tensor x) => 2 * Prior.Denoise(op.Apply(op.Apply(Prior.Denoise(x, Sigma)) - y), Sigma);
        using var g0 = Gradient(start);
        using var x1 = start - lr * g0;
        using var g1 = Gradient(x1);
        var cos = ((g0 * g1).sum() / (g0.norm() * g1.norm())).item<float>();
        var a = (cos + 1) / 2;
        using var smoothed = a * beta * g0 + (1 - a * beta) * g1;
        using var x2 = x1 - lr * smoothed;
        using var expected = x2 + (Prior.Denoise(x1, Sigma) - x1);
        AssertClose(expected, output);
    }
}
