using Spgd.Core.Sampling;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

public class AdaptiveDirectionalMomentumTests
{
    [Fact]
    public void IdenticalGradientsAgreeFullyAndOppositeOnesNotAtAll()
    {
        using var g = randn(2, 3, 8, 8);
        using var same = AdaptiveDirectionalMomentum.Agreement(g, g);
        using var opposite = AdaptiveDirectionalMomentum.Agreement(g, -g);
        Assert.All(same.data<float>().ToArray(), a => Assert.Equal(1f, a, 1e-6f));
        Assert.All(opposite.data<float>().ToArray(), a => Assert.Equal(0f, a, 1e-6f));
    }

    [Fact]
    public void SmoothingIdenticalGradientsReturnsThem()
    {
        using var g = randn(2, 3, 8, 8);
        using var smoothed = AdaptiveDirectionalMomentum.Smooth(g, g, 0.95);
        Assert.True(smoothed.allclose(g, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void CosineIsTakenPerSampleOverTheWholeImage()
    {
        // Sample 0 agrees, sample 1 is orthogonal: a = (1, 0.5), so g̃ = a·β·prev + (1 − a·β)·g per sample.
        using var previous = tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 0 }, [2, 1, 2, 2]);
        using var gradient = tensor(new float[] { 2, 0, 0, 0, 0, 3, 0, 0 }, [2, 1, 2, 2]);
        using var a = AdaptiveDirectionalMomentum.Agreement(previous, gradient);
        Assert.Equal([1f, 0.5f], a.data<float>().ToArray());
        using var smoothed = AdaptiveDirectionalMomentum.Smooth(previous, gradient, 0.9);
        var expected = new float[] { 0.9f * 1 + 0.1f * 2, 0, 0, 0, 0.45f, 0.55f * 3, 0, 0 };
        Assert.Equal(expected, smoothed.data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
