using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary><see cref="RedDiffSampler"/> against runs of the official <c>REDDIFF.sample</c> (Adam, λ = 0.25, lr = 0.25)
/// on the fixture UNet, with the draws replayed (scripts/fixtures/baselines.py).</summary>
public class RedDiffParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TaskNames.InpaintingRandom)]
    [InlineData(TaskNames.SuperResolution)]
    [InlineData(TaskNames.GaussianBlur)]
    public void MatchesOfficialRun(string task)
    {
        var fixture = new BaselineFixture("reddiff", task);
        var config = fixture.Config;
        var options = new RedDiffOptions
        {
            Steps = config.GetProperty("steps").GetInt32(),
            Lambda = config.GetProperty("lambda").GetDouble(),
            LearningRate = config.GetProperty("learning_rate").GetDouble(),
            SingularValueFloor = config.GetProperty("singular_value_floor").GetDouble(),
        };
        using var denoiser = BaselineFixture.Denoiser();
        using var op = fixture.Operator();
        var noise = new ReplayedNoise(fixture.Load("noise.npy"));
        var sampler = new RedDiffSampler(denoiser, options, noise);
        Assert.Equal(Fixtures.Doubles(config, "timesteps").Select(t => (int)t), sampler.Timesteps());
        var size = config.GetProperty("image_size").GetInt64();
        using var like = zeros(1, 3, size, size);
        var (_, mus, result) = BaselineFixture.Run(sampler, like, fixture.Load("y.npy"), op);

        var expectedMus = fixture.Load("xt_trajectory.npy");
        var first = Fixtures.RelativeL2(mus[0], expectedMus[0]);
        var whole = Fixtures.RelativeL2(result, fixture.Load("output.npy"));
        var lastMu = Fixtures.RelativeL2(mus[^1], expectedMus[^1]);
        output.WriteLine($"reddiff {task}: step 1 μ {first:e3}; output {whole:e3}; last μ {lastMu:e3}");
        Assert.Equal(2 * options.Steps, noise.Used);
        Assert.Equal(options.Steps, sampler.NetworkEvaluations);
        Assert.True(first <= 1e-4, $"step 1 μ rel L2 {first:e3}");
        Assert.True(whole <= 1e-3, $"output rel L2 {whole:e3}");
        Assert.True(lastMu <= 1e-3, $"last μ rel L2 {lastMu:e3}");
    }
}
