using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

public class OperatorShapeAndGradientTests
{
    [Theory]
    [InlineData(256, 256, 64, 64)]
    [InlineData(64, 48, 16, 12)]
    [InlineData(30, 30, 8, 8)] // ceil(30/4): the reference's output length
    public void SuperResolutionShapes(int h, int w, int outH, int outW)
    {
        using var op = new SuperResolutionOperator(h, w, 4);
        using var x = zeros(2, 3, h, w);
        using var y = op.Apply(x);
        Assert.Equal(new long[] { 2, 3, outH, outW }, y.shape);
    }

    [Fact]
    public void SuperResolutionPreservesConstantsAndRejectsOtherSizes()
    {
        using var op = new SuperResolutionOperator(64, 64, 4);
        using var x = full(1, 3, 64, 64, 0.25f);
        using var y = op.Apply(x);
        Assert.True((y - 0.25f).abs().max().item<float>() < 1e-6f); // weights are normalised per output pixel
        using var wrong = zeros(1, 3, 32, 32);
        Assert.Throws<ArgumentException>(() => op.Apply(wrong));
    }

    [Theory]
    [InlineData(256, 2.0, 384)]
    [InlineData(64, 2.0, 96)]
    [InlineData(64, 0.0, 64)]
    public void PhaseRetrievalShapes(int size, double oversample, int outSize)
    {
        using var op = new PhaseRetrievalOperator(size, size, oversample);
        using var x = zeros(1, 3, size, size);
        using var y = op.Apply(x);
        Assert.Equal(new long[] { 1, 3, outSize, outSize }, y.shape);
    }

    [Fact]
    public void PhaseRetrievalIsOrthonormal()
    {
        // Parseval: ‖|F(pad(x'))|‖ = ‖x'‖ with x' = (x + 1)/2 and an orthonormal FFT.
        using var scope = NewDisposeScope();
        using var g = new Generator(9, CPU);
        var x = rand([1, 3, 32, 32], generator: g) * 2 - 1;
        using var op = new PhaseRetrievalOperator(32, 32, 2.0);
        Assert.Equal(((x + 1) / 2).norm().item<float>(), op.Apply(x).norm().item<float>(), 3);
    }

    [Theory]
    [InlineData(TaskNames.GaussianBlur)]
    [InlineData(TaskNames.SuperResolution)]
    [InlineData(TaskNames.PhaseRetrieval)]
    [InlineData(TaskNames.InpaintingRandom)]
    public void AutogradMatchesFiniteDifferences(string task)
    {
        // L(x) = ½‖A(x)‖² along a random direction v: dL/dε at ε = 0 must equal ⟨∇L, v⟩.
        using var scope = NewDisposeScope();
        using var g = new Generator(11, CPU);
        var x0 = (rand([1, 3, 64, 64], generator: g, dtype: ScalarType.Float64) * 1.6 - 0.8);
        var v = randn([1, 3, 64, 64], generator: g, dtype: ScalarType.Float64);
        using var op = OperatorFactory.Create(new OperatorSettings(task), 64, 64, seed: 3);
        double Loss(Tensor x) { using var s = NewDisposeScope(); return 0.5 * op.Apply(x).pow(2).sum().item<double>(); }

        var x = x0.clone().requires_grad_(true);
        var loss = 0.5 * op.Apply(x).pow(2).sum();
        loss.backward();
        double analytic = (x.grad! * v).sum().item<double>();
        const double h = 1e-4;
        double numeric = (Loss(x0 + h * v) - Loss(x0 - h * v)) / (2 * h);
        Assert.True(Math.Abs(analytic) > 1e-3, "degenerate direction");
        Assert.True(Math.Abs(analytic - numeric) / Math.Abs(numeric) < 1e-5, $"autograd {analytic}, finite differences {numeric}");
    }

    [Fact]
    public void HdrClips()
    {
        using var op = new HdrOperator(2);
        using var x = tensor(new float[] { -0.8f, -0.2f, 0.3f, 0.9f }).reshape(1, 1, 2, 2);
        using var y = op.Apply(x);
        Assert.Equal(new float[] { -1f, -0.4f, 0.6f, 1f }, y.data<float>().ToArray());
    }
}
