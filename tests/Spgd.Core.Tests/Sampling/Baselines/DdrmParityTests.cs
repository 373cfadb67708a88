using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary><see cref="DdrmSampler"/> against runs of the official DDRM loop (<c>efficient_generalized_steps</c>) on the
/// fixture UNet, with the official draws replayed (scripts/fixtures/baselines.py).</summary>
public class DdrmParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TaskNames.InpaintingRandom)]
    [InlineData(TaskNames.SuperResolution)]
    [InlineData(TaskNames.GaussianBlur)]
    public void MatchesOfficialRun(string task)
    {
        var fixture = new BaselineFixture("ddrm", task);
        var config = fixture.Config;
        var options = new DdrmOptions
        {
            Steps = config.GetProperty("steps").GetInt32(),
            Eta = config.GetProperty("eta").GetDouble(),
            EtaB = config.GetProperty("eta_b").GetDouble(),
            MeasurementNoise = config.GetProperty("measurement_noise").GetDouble(),
            SingularValueFloor = config.GetProperty("singular_value_floor").GetDouble(),
        };
        using var denoiser = BaselineFixture.Denoiser();
        using var op = fixture.Operator();
        var noise = new ReplayedNoise(fixture.Load("noise.npy"));
        var sampler = new DdrmSampler(denoiser, options, noise);
        Assert.Equal(Fixtures.Doubles(config, "timesteps").Select(t => (int)t), sampler.Timesteps());
        var size = config.GetProperty("image_size").GetInt64();
        using var like = zeros(1, 3, size, size);
        var (x0, xs, result) = BaselineFixture.Run(sampler, like, fixture.Load("y.npy"), op);

        var expectedX0 = fixture.Load("x0hat_trajectory.npy");
        var expectedXs = fixture.Load("xt_trajectory.npy");
        double firstX0 = Fixtures.RelativeL2(x0[0], expectedX0[0]), firstX = Fixtures.RelativeL2(xs[0], expectedXs[0]);
        double whole = Fixtures.RelativeL2(result, fixture.Load("output.npy"));
        output.WriteLine($"ddrm {task}: step 1 x̂₀ {firstX0:e3}, x {firstX:e3}; output {whole:e3}");
        Assert.Equal(noise.Used, 1 + 3 * options.Steps);
        Assert.Equal(options.Steps, sampler.NetworkEvaluations);
        Assert.True(firstX0 <= 1e-4, $"step 1 x̂₀ rel L2 {firstX0:e3}");
        Assert.True(firstX <= 1e-4, $"step 1 x rel L2 {firstX:e3}");
        Assert.True(whole <= 1e-3, $"output rel L2 {whole:e3}");
    }
}
