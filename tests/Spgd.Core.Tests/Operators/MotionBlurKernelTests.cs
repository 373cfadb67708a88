using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

public class MotionBlurKernelTests
{
    [Fact]
    public void SameSeedGivesTheSameKernel()
    {
        using var a = MotionBlurKernel.Generate(61, 0.5, seed: 42);
        using var b = MotionBlurKernel.Generate(61, 0.5, seed: 42);
        Assert.True(a.SameAs(b));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentKernels()
    {
        using var a = MotionBlurKernel.Generate(61, 0.5, seed: 1);
        using var b = MotionBlurKernel.Generate(61, 0.5, seed: 2);
        Assert.False(a.SameAs(b));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void KernelIs61x61NonNegativeAndSumsToOne(double intensity)
    {
        for (ulong seed = 0; seed < 4; seed++)
        {
            using var k = MotionBlurKernel.Generate(61, intensity, seed);
            Assert.Equal(new long[] { 61, 61 }, k.shape);
            Assert.Equal(ScalarType.Float32, k.dtype);
            Assert.Equal(1.0, k.sum().item<float>(), 4);
            Assert.True(k.min().item<float>() >= 0);
        }
    }

    [Fact]
    public void KernelIsAnExtendedTrajectoryNotADot()
    {
        // Like the reference's kernels (fixture: 61×61 support with a few hundred non-zero taps), the path spans
        // many pixels and its mass is centred.
        using var scope = NewDisposeScope();
        var k = MotionBlurKernel.Generate(61, 0.5, seed: 5);
        long support = (k > 0).sum().item<long>();
        Assert.InRange(support, 30, 61 * 61 / 2);
        var coords = arange(61, dtype: ScalarType.Float32);
        double cy = (k.sum(dim: 1) * coords).sum().item<float>(), cx = (k.sum(dim: 0) * coords).sum().item<float>();
        Assert.InRange(cy, 20, 40);
        Assert.InRange(cx, 20, 40);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MotionBlurKernel.Generate(0, 0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MotionBlurKernel.Generate(61, 1.5, 1));
    }
}
