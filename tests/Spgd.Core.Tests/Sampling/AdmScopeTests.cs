using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

/// <summary>ADM's scope (Table 2's "ADM without warm-up") and β = 1 (Table 4) change what the sampler does.</summary>
public class AdmScopeTests
{
    private static Tensor Run(SpgdOptions options)
    {
        var prior = SpectralGaussianPrior.Default;
        using var clean = prior.Sample(1, 16, seed: 3);
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom), 16, 16, seed: 4);
        using var y = Measurement.Simulate(op, clean, 0.01, seed: 5);
        using var generator = new Generator(6, CPU);
        using var start = 100 * randn(clean.shape, generator: generator);
        return new SpgdSampler(prior, options).Sample(start, y, op);
    }

    [Fact]
    public void With_one_warmup_iteration_only_momentum_carried_across_steps_changes_the_result()
    {
        var plain = new SpgdOptions { Steps = 6, Warmup = 1, Adm = false };
        using var none = Run(plain);
        using var reset = Run(plain with { Adm = true });
        using var carried = Run(plain with { Adm = true, AdmAcrossSteps = true });
        // Reset at each outer step, ADM has nothing to smooth with N = 1: bit-identical to no ADM.
        Assert.Equal(0f, (none - reset).abs().max().item<float>());
        Assert.False(none.allclose(carried, rtol: 0, atol: 1e-6));
        Assert.True(isfinite(carried).all().item<bool>());
    }

    [Fact]
    public void Beta_one_is_accepted_and_differs_from_the_papers_beta()
    {
        var options = new SpgdOptions { Steps = 4, Warmup = 3, Beta = 1.0 };
        Assert.Empty(options.Problems());
        using var one = Run(options);
        using var paper = Run(options with { Beta = null });
        Assert.False(one.allclose(paper, rtol: 0, atol: 1e-6));
    }
}
