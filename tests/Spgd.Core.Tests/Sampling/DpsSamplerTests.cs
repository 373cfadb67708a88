using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

public class DpsSamplerTests(ITestOutputHelper output)
{
    [Fact]
    public void DpsUsesTheMeasurementOnALinearTask()
    {
        // 80% random inpainting of exact prior draws (v 0.25, α 3.5) at 32², T = 100, σ_y 0.01, ζ = 5.
        // Measured MSE: DPS 0.039 (ζ 1: 0.165, 3: 0.047, 10: 0.044, 30: 0.105, 100: 0.735), unconditional (ζ = 0) 0.438,
        // measurement 0.158, SPGD defaults (150 NFE) 0.035.
        var prior = SpectralGaussianPrior.Default;
        using var clean = prior.Sample(2, 32, seed: 21);
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom, 0.01), 32, 32, seed: 22);
        using var y = Measurement.Simulate(op, clean, 0.01, seed: 23);
        using var generator = new Generator(24, CPU);
        using var start = 100 * randn(clean.shape, generator: generator);
        var options = new SpgdOptions { Algorithm = SamplerAlgorithm.Dps, Steps = 100, DpsStepSize = 5.0 };

        var dps = PosteriorSamplers.Create(prior, options);
        Assert.IsType<DpsSampler>(dps);
        using var restored = dps.Sample(start, y, op);
        using var unconditional = new DpsSampler(prior, options with { DpsStepSize = 0 }).Sample(start, y, op);
        using var spgd = new SpgdSampler(prior, new SpgdOptions { Steps = 30 }).Sample(start, y, op);

        double mse(Tensor t) => (t - clean).square().mean().item<float>();
        output.WriteLine($"MSE: DPS {mse(restored):g4}, unconditional {mse(unconditional):g4}, measurement {mse(y):g4}, SPGD {mse(spgd):g4}; NFE {dps.NetworkEvaluations}");
        Assert.Equal(options.Steps, dps.NetworkEvaluations);
        Assert.True(mse(restored) < 0.5 * mse(unconditional));
        Assert.True(mse(restored) < 0.5 * mse(y));
    }
}
