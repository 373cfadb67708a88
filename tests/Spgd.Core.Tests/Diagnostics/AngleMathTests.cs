using Spgd.Core.Diagnostics;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Diagnostics;

public class AngleMathTests
{
    [Fact]
    public void AVectorWithItselfIsZero()
    {
        double[] v = [0.3, -1.7, 2.2, 1e-3];
        Assert.Equal(0.0, AngleMath.Angle(v, v));
        Assert.Equal(0.0, AngleMath.Angle(v, v.Select(x => 4.5 * x).ToArray()), 12);
    }

    [Fact]
    public void KnownPairsGiveTheirKnownAngles()
    {
        Assert.Equal(Math.PI / 4, AngleMath.Angle([1.0, 0.0], [1.0, 1.0]), 12);
        Assert.Equal(Math.PI / 2, AngleMath.Angle([1.0, 0.0, 0.0], [0.0, 2.0, 0.0]), 12);
        Assert.Equal(Math.PI / 3, AngleMath.Angle([1.0, 0.0], [0.5, Math.Sqrt(3) / 2]), 12);
        Assert.Equal(60.0, AngleMath.ToDegrees(Math.PI / 3), 12);
    }

    [Fact]
    public void OppositeIsPi()
    {
        double[] v = [0.3, -1.7, 2.2];
        Assert.Equal(Math.PI, AngleMath.Angle(v, v.Select(x => -2 * x).ToArray()), 12);
    }

    [Fact]
    public void ZeroVectorHasNoAngleAndLengthsMustMatch()
    {
        Assert.True(double.IsNaN(AngleMath.Angle([0.0, 0.0], [1.0, 0.0])));
        Assert.Throws<ArgumentException>(() => AngleMath.Angle([1.0], [1.0, 0.0]));
    }

    [Fact]
    public void TensorAnglesArePerSampleOverTheWholeSample()
    {
        // Sample 0: identical; sample 1: 45°; sample 2: opposite; sample 3: zero vector.
        using var a = tensor(new float[] { 1, 0, 2, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0 }, [4, 1, 2, 2]);
        using var b = tensor(new float[] { 1, 0, 2, 0, 1, 1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0 }, [4, 1, 2, 2]);
        var angles = AngleMath.Angles(a, b);
        Assert.Equal(4, angles.Length);
        Assert.Equal(0.0, angles[0], 12);
        Assert.Equal(Math.PI / 4, angles[1], 6);
        Assert.Equal(Math.PI, angles[2], 12);
        Assert.True(double.IsNaN(angles[3]));
        var norms = AngleMath.Norms(b);
        double[] expectedNorms = [Math.Sqrt(5), Math.Sqrt(2), 1.0, 1.0];
        for (var i = 0; i < 4; i++) Assert.Equal(expectedNorms[i], norms[i], 6);
        Assert.Throws<ArgumentException>(() => AngleMath.Angles(a, b.reshape(4, 4)));
    }
}
