using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace Spgd.Core.Tests.Sampling;

/// <summary>Whole SPGD runs on the spectral prior against the official implementation's trajectories.</summary>
public class SpgdSamplerPriorFixtureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("prior_inpainting_random_paper")]
    [InlineData("prior_inpainting_random_reference")]
    public void InpaintingRunsMatchOfficialTrajectories(string run)
    {
        using var op = new MaskOperator(Fixtures.Load("operators", "inpainting_random_mask.npy"));
        AssertMatches(run, SpgdFixtureRun.Compare(run, SpgdFixtureRun.FixturePrior, op));
    }

    [Fact]
    public void GaussianBlurRunMatchesOfficialTrajectories()
    {
        const string run = "prior_gaussian_blur_paper";
        using var op = new BlurOperator(Fixtures.Load("operators", "gaussian_blur_kernel.npy"));
        AssertMatches(run, SpgdFixtureRun.Compare(run, SpgdFixtureRun.FixturePrior, op));
    }

    private void AssertMatches(string run, SpgdFixtureRun.Errors e)
    {
        output.WriteLine($"{run}: {e}");
        // Measured (CPU, float32): every error ≈ 2.5e-7; the README suggests 1e-3 for whole trajectories.
        Assert.True(e.Output < 1e-5, $"output rel L2 {e.Output:e3}");
        Assert.True(e.WorstXt < 1e-5, $"x_t rel L2 {e.WorstXt:e3}");
        Assert.True(e.WorstX0Hat < 1e-5, $"x̂₀ rel L2 {e.WorstX0Hat:e3}");
    }
}
