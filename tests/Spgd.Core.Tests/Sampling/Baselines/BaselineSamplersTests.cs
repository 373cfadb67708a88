using Spgd.Core.Denoising;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary><see cref="BaselineSamplers"/> builds each baseline at its protocol settings and refuses what it cannot run.</summary>
public class BaselineSamplersTests
{
    private static readonly SpectralGaussianPrior Prior = new(0.25, 2);

    [Fact]
    public void BuildsEachAtItsProtocol()
    {
        using var noise = new GeneratorNoiseSource(1);
        var dps = Assert.IsType<DpsAncestralSampler>(BaselineSamplers.Create("DPS", Prior, TaskNames.InpaintingRandom, 0.05, noise));
        Assert.Equal(1000, dps.Options.Steps);
        Assert.Equal(0.5, dps.Options.StepSize);
        var ddrm = Assert.IsType<DdrmSampler>(BaselineSamplers.Create("ddrm", Prior, TaskNames.SuperResolution, 0.05, noise));
        Assert.Equal((20, 0.85, 1.0, 0.05), (ddrm.Options.Steps, ddrm.Options.Eta, ddrm.Options.EtaB, ddrm.Options.MeasurementNoise));
        var diffpir = Assert.IsType<DiffPirSampler>(BaselineSamplers.Create("diffpir", Prior, TaskNames.GaussianBlur, 0.05, noise));
        Assert.Equal((20, 7.0, 0.3, 0.05), (diffpir.Options.Steps, diffpir.Options.Lambda, diffpir.Options.Zeta, diffpir.Options.MeasurementNoise));
        var red = Assert.IsType<RedDiffSampler>(BaselineSamplers.Create("red-diff", Prior, TaskNames.GaussianBlur, 0.05, noise));
        Assert.Equal((1000, 0.25, 0.25), (red.Options.Steps, red.Options.Lambda, red.Options.LearningRate));
    }

    [Theory]
    [InlineData("ddrm", TaskNames.MotionBlur, "not separable")]
    [InlineData("reddiff", TaskNames.PhaseRetrieval, "not linear")]
    [InlineData("diffpir", TaskNames.Hdr, "no data step")]
    [InlineData("dps", TaskNames.Hdr, "no step size")]
    public void RefusesWithTheReason(string name, string task, string reason)
    {
        using var noise = new GeneratorNoiseSource(1);
        Assert.Contains(reason, BaselineSamplers.Refusal(name, task));
        Assert.Contains(reason, Assert.Throws<NotSupportedException>(() => BaselineSamplers.Create(name, Prior, task, 0.05, noise)).Message);
    }

    [Fact]
    public void UnknownNameIsNamed() =>
        Assert.Contains("'pnp'", Assert.Throws<ArgumentException>(() => BaselineSamplers.Refusal("pnp", TaskNames.GaussianBlur)).Message);
}
