using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary><see cref="DpsAncestralSampler"/> against runs of the official DPS <c>p_sample_loop</c> with its <c>ps</c>
/// conditioning, operators and released step sizes on the fixture UNet, with the draws replayed
/// (scripts/fixtures/baselines.py).</summary>
public class DpsParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TaskNames.InpaintingRandom)]
    [InlineData(TaskNames.SuperResolution)]
    [InlineData(TaskNames.GaussianBlur)]
    public void MatchesOfficialRun(string task)
    {
        var fixture = new BaselineFixture("dps", task);
        var config = fixture.Config;
        var options = new DpsOptions { Steps = config.GetProperty("steps").GetInt32(), StepSize = DpsOptions.ReleasedStepSize(task) };
        Assert.Equal(config.GetProperty("step_size").GetDouble(), options.StepSize);
        using var denoiser = BaselineFixture.Denoiser();
        using var op = fixture.Operator();
        var noise = new ReplayedNoise(fixture.Load("noise.npy"));
        var sampler = new DpsAncestralSampler(denoiser, options, noise);
        Assert.Equal(Fixtures.Doubles(config, "timesteps").Select(t => (int)t), sampler.Timesteps());
        var size = config.GetProperty("image_size").GetInt64();
        using var like = zeros(1, 3, size, size);
        var (x0, xs, result) = BaselineFixture.Run(sampler, like, fixture.Load("y.npy"), op);

        var expectedX0 = fixture.Load("x0hat_trajectory.npy");
        var expectedXs = fixture.Load("xt_trajectory.npy");
        double firstX0 = Fixtures.RelativeL2(x0[0], expectedX0[0]), firstX = Fixtures.RelativeL2(xs[0], expectedXs[0]);
        double whole = Fixtures.RelativeL2(result, fixture.Load("output.npy"));
        output.WriteLine($"dps {task}: step 1 x̂₀ {firstX0:e3}, x {firstX:e3}; output {whole:e3}");
        Assert.Equal(options.Steps, noise.Used);
        Assert.Equal(options.Steps, sampler.NetworkEvaluations);
        Assert.True(firstX0 <= 1e-4, $"step 1 x̂₀ rel L2 {firstX0:e3}");
        Assert.True(firstX <= 1e-4, $"step 1 x rel L2 {firstX:e3}");
        Assert.True(whole <= 1e-3, $"output rel L2 {whole:e3}");
    }

    [Fact]
    public void ReleasedStepSizesAreDpsConfigs()
    {
        Assert.Equal(0.5, DpsOptions.ReleasedStepSize("inpainting_random"));
        Assert.Equal(0.3, DpsOptions.ReleasedStepSize("super_resolution"));
        Assert.Equal(0.3, DpsOptions.ReleasedStepSize("gaussian_blur"));
        Assert.Equal(0.3, DpsOptions.ReleasedStepSize("motion_blur"));
        Assert.Equal(1.0, DpsOptions.ReleasedStepSize("phase_retrieval"));
        Assert.Contains("no step size", Assert.Throws<ArgumentException>(() => DpsOptions.ReleasedStepSize("hdr")).Message);
    }
}
