using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

public class MeasurementTests
{
    [Fact]
    public void MeasurementIsOperatorPlusSeededNoise()
    {
        using var scope = NewDisposeScope();
        var x = rand(2, 3, 64, 64) * 2 - 1;
        using var op = new HdrOperator(2);
        var a = Measurement.Simulate(op, x, 0.05, seed: 9);
        var b = Measurement.Simulate(op, x, 0.05, seed: 9);
        var c = Measurement.Simulate(op, x, 0.05, seed: 10);
        Assert.True(a.SameAs(b));
        Assert.False(a.SameAs(c));
        Assert.False(a.requires_grad);
        var noise = a - op.Apply(x);
        Assert.Equal(0.05, noise.std().item<float>(), 2);
        Assert.True(Measurement.Simulate(op, x, 0, seed: 9).SameAs(op.Apply(x)));
    }

    [Fact]
    public void NegativeNoiseIsRejected()
    {
        using var x = zeros(1, 3, 8, 8);
        using var op = new HdrOperator();
        Assert.Throws<ArgumentOutOfRangeException>(() => Measurement.Simulate(op, x, -0.1, 0));
    }
}
