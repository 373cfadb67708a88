using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Restoration;

/// <summary>The restorer runs a baseline selected by <see cref="SpgdOptions.Algorithm"/> at its protocol, with noise seeded per request.</summary>
public class BaselineRestorerTests
{
    private static RestorationRequest Request(SamplerAlgorithm algorithm, ulong seed)
    {
        var clean = SpectralGaussianPrior.Default.Sample(1, 16, seed: 100).clamp(-1, 1)[0];
        return new RestorationRequest(clean, new OperatorSettings(TaskNames.GaussianBlur, 0.05) { KernelSize = 7 }, new SpgdOptions { Algorithm = algorithm }, seed);
    }

    [Theory]
    [InlineData(SamplerAlgorithm.Ddrm, 20)]
    [InlineData(SamplerAlgorithm.DiffPir, 20)]
    public void A_baseline_runs_its_protocol_and_replays_per_seed(SamplerAlgorithm algorithm, long evaluations)
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        using var first = restorer.Restore(Request(algorithm, 7));
        using var again = restorer.Restore(Request(algorithm, 7));
        using var other = restorer.Restore(Request(algorithm, 8));
        Assert.Equal(evaluations, first.NetworkEvaluations);
        Assert.True(first.Restored.eq(again.Restored).all().item<bool>(), "the same seed replays bit for bit");
        Assert.False(first.Restored.allclose(other.Restored), "another seed draws other noise");
    }

    [Fact]
    public void A_baseline_is_not_batched()
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var e = Assert.Throws<ArgumentException>(() => restorer.RestoreBatch([Request(SamplerAlgorithm.Ddrm, 1), Request(SamplerAlgorithm.Ddrm, 2)]));
        Assert.Contains("ddrm draws its own noise per item", e.Message);
    }

    [Fact]
    public void A_task_the_baseline_cannot_run_is_refused_with_the_reason()
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var request = Request(SamplerAlgorithm.Ddrm, 1) with { Operator = new OperatorSettings(TaskNames.MotionBlur, 0.05) { KernelSize = 7 } };
        var e = Assert.Throws<NotSupportedException>(() => restorer.Restore(request));
        Assert.Contains("motion-blur kernel is not separable", e.Message);
    }
}
