using Spgd.Contracts.Jobs;
using Spgd.Contracts.Recipes;
using Spgd.Contracts.Sweeps;
using Spgd.Core.Sampling;
using Spgd.Grains.Restoration;

namespace Spgd.Cluster.Tests.Sweeps;

/// <summary>A sweep's grid points resolve into recipes that Core runs as the points say; the rest stays the task's.</summary>
public class GridPointRecipeTests
{
    private static readonly JobDefinition Job = new()
    {
        Dataset = new DatasetRef(), Model = new ModelRef(),
        Tasks = [new TaskSettings { Name = "inpainting_random", Sampler = new SamplerParams { LearningRate = 1.5, LrMinRatio = 0.1, SigmaMax = 80, DpsStepSize = 0.3 } }],
    };

    private static SpgdOptions Options(GridPoint point) => CoreSettings.ToSampler(RecipeResolver.Resolve(Job, Job.Tasks[0], point));

    [Fact]
    public void EachSamplerKindBecomesItsCoreOptions()
    {
        var points = SweepExpander.Points(new SamplerSweep { Samplers = ["dps-edm", "plain", "spgd"], Steps = [40], Adm = [true], DiffStateGradTau = [0.9] });
        var dps = Options(points[0]);
        Assert.Equal((SamplerAlgorithm.Dps, 40, 0.3, 1), (dps.Algorithm, dps.Steps, dps.DpsStepSize, dps.Warmup));

        var plain = Options(points[1]);
        Assert.Equal((SamplerAlgorithm.Spgd, 1, false, 1.5, 0.9), (plain.Algorithm, plain.Warmup, plain.EffectiveAdm, plain.LearningRate, plain.DiffStateGradTau));

        var spgd = Options(points[2]);
        Assert.Equal((5, true, 0.95, 0.1, 80.0), (spgd.Warmup, spgd.EffectiveAdm, spgd.EffectiveBeta, spgd.LrMinRatio, spgd.SigmaMax));
        Assert.Equal(points[2].NetworkEvaluationsPerImage, (long)spgd.Steps * spgd.Warmup);
    }

    [Fact]
    public void UnknownSamplerIsRefusedNamingIt()
    {
        var point = new GridPoint("X", "x", "ddim", 10, 1, null, null, null, false, null, null);
        var e = Assert.Throws<ArgumentException>(() => RecipeResolver.Resolve(Job, Job.Tasks[0], point));
        Assert.Contains("ddim", e.Message);
    }
}
