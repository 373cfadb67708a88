using Spgd.Contracts.Sweeps;
using Spgd.Core.Sampling;
using Spgd.Grains.Sweeps;

namespace Spgd.Cluster.Tests.Sweeps;

public class GridPointOptionsTests
{
    private static readonly SpgdOptions Basis = new() { LearningRate = 1.5, LrMinRatio = 0.1, SigmaMax = 80, DpsStepSize = 0.3 };

    [Fact]
    public void EachSamplerKindBecomesItsCoreOptions()
    {
        var points = SweepExpander.Points(new SamplerSweep { Samplers = ["dps", "plain", "spgd"], Steps = [40], Adm = [true], DiffStateGradTau = [0.9] });
        var dps = GridPointOptions.ToSpgdOptions(points[0], Basis);
        Assert.Equal((SamplerAlgorithm.Dps, 40, 0.3), (dps.Algorithm, dps.Steps, dps.DpsStepSize));

        var plain = GridPointOptions.ToSpgdOptions(points[1], Basis);
        Assert.Equal((SamplerAlgorithm.Spgd, 1, false, 1.5, 0.9), (plain.Algorithm, plain.Warmup, plain.EffectiveAdm, plain.LearningRate, plain.DiffStateGradTau));
        Assert.Equal(plain, Basis.WithoutGradientManagement() with { Steps = 40, DiffStateGradTau = 0.9, Preset = SpgdPreset.Paper });

        var spgd = GridPointOptions.ToSpgdOptions(points[2], Basis);
        Assert.Equal((5, true, 0.95, 0.1, 80.0), (spgd.Warmup, spgd.EffectiveAdm, spgd.EffectiveBeta, spgd.LrMinRatio, spgd.SigmaMax));
        Assert.Equal(points[2].NetworkEvaluationsPerImage, (long)spgd.Steps * spgd.Warmup);
    }

    [Fact]
    public void UnknownSamplerIsRefusedWithTheLabel()
    {
        var point = new GridPoint("X", "x", "ddrm", 10, 1, null, null, null, false, null, null);
        var e = Assert.Throws<ArgumentException>(() => GridPointOptions.ToSpgdOptions(point));
        Assert.Contains("'X'", e.Message);
        Assert.Contains("ddrm", e.Message);
    }
}
