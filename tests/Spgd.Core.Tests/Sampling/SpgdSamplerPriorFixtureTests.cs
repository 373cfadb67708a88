using Spgd.Core.Operators;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;

namespace Spgd.Core.Tests.Sampling;

/// <summary>Whole SPGD runs on the spectral prior with the real operators, against the official implementation's trajectories.</summary>
public class SpgdSamplerPriorFixtureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("prior_inpainting_random_paper", "inpainting_random", "inpainting_random_mask.npy")]
    [InlineData("prior_inpainting_random_reference", "inpainting_random", "inpainting_random_mask.npy")]
    [InlineData("prior_gaussian_blur_paper", "gaussian_blur", "gaussian_blur_kernel.npy")]
    [InlineData("prior_super_resolution_paper_dsg", "super_resolution", null)]
    public void RunMatchesOfficialTrajectories(string run, string task, string? maskOrKernel)
    {
        using var op = FixtureOperator(task, maskOrKernel);
        var e = SpgdFixtureRun.Compare(run, SpgdFixtureRun.FixturePrior, op);
        output.WriteLine($"{run}: {e}");
        // Measured (CPU, float32): every error ≤ 5.4e-7; the README suggests 1e-3 for whole trajectories.
        Assert.True(e.Output < 1e-5, $"output rel L2 {e.Output:e3}");
        Assert.True(e.WorstXt < 1e-5, $"x_t rel L2 {e.WorstXt:e3}");
        Assert.True(e.WorstX0Hat < 1e-5, $"x̂₀ rel L2 {e.WorstX0Hat:e3}");
    }

    internal static ForwardOperator FixtureOperator(string task, string? maskOrKernel)
    {
        var settings = new OperatorSettings(task, 0.01);
        if (maskOrKernel is null) return OperatorFactory.Create(settings, 64, 64, seed: 0);
        using var tensor = Fixtures.Load("operators", maskOrKernel);
        return OperatorFactory.Create(settings, 64, 64, tensor);
    }
}
