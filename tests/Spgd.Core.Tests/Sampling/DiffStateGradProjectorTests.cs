using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

public class DiffStateGradProjectorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("0.9", 0.9)]
    [InlineData("0.99", 0.99)]
    public void ProjectionMatchesFixture(string name, double tau)
    {
        using var state = Fixtures.Load("diffstategrad", "state.npy");
        using var grad = Fixtures.Load("diffstategrad", "grad.npy");
        using var expected = Fixtures.Load("diffstategrad", $"projected_tau{name}.npy");
        using var projector = DiffStateGradProjector.FromState(state, tau);
        using var projected = projector.Project(grad);
        var error = Fixtures.RelativeL2(projected, expected);
        output.WriteLine($"τ {tau}: ranks [{string.Join(", ", projector.Ranks)}], rel L2 {error:e3}");
        Assert.True(error < 1e-4, $"rel L2 {error:e3}");
    }

    [Fact]
    public void RankIsFirstIndexReachingTheEnergyShare()
    {
        // Energies 9, 4, 1 (total 14): cumulative shares 0.643, 0.929, 1.
        double[] s = [3, 2, 1];
        Assert.Equal(1, DiffStateGradProjector.RankFor(s, 0.5));
        Assert.Equal(2, DiffStateGradProjector.RankFor(s, 0.9));
        Assert.Equal(2, DiffStateGradProjector.RankFor(s, 13.0 / 14));
        Assert.Equal(3, DiffStateGradProjector.RankFor(s, 0.95));
    }

    [Fact]
    public void ProjectionIsIdempotentAndFullRankKeepsTheGradient()
    {
        using var state = randn(1, 3, 8, 8);
        using var grad = randn(1, 3, 8, 8);
        using var partial = DiffStateGradProjector.FromState(state, 0.5);
        using var once = partial.Project(grad);
        using var twice = partial.Project(once);
        Assert.True(twice.allclose(once, rtol: 1e-4, atol: 1e-5));
        using var full = DiffStateGradProjector.FromState(state, 1.0);
        using var kept = full.Project(grad);
        Assert.True(kept.allclose(grad, rtol: 1e-4, atol: 1e-4));
    }
}
