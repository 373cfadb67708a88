using TorchSharp;
using Spgd.Core.Operators;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Operators;

public class BlurOperatorTests
{
    [Theory]
    [InlineData(5, 12, 9)]
    [InlineData(11, 20, 23)]
    public void FftBlurEqualsDirectConvolution(int kernelSize, int height, int width)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3, CPU);
        var kernel = rand([kernelSize, kernelSize], generator: g); // deliberately asymmetric: catches a missing flip
        var x = rand([2, 3, height, width], generator: g) * 2 - 1;
        using var direct = new BlurOperator(TaskNames.MotionBlur, kernel, ConvolutionMethod.Direct);
        using var viaFft = new BlurOperator(TaskNames.MotionBlur, kernel, ConvolutionMethod.Fft);
        var a = direct.Apply(x);
        var b = viaFft.Apply(x);
        Assert.Equal(x.shape, a.shape);
        Assert.Equal(a.shape, b.shape);
        Assert.True((a - b).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void DirectConvolutionIsTheReferenceCrossCorrelationWithReflectionPadding()
    {
        // Hand-computed: 3×3 kernel with a single 1 at (0, 2) picks x[i−1, j+1] with reflection at the borders.
        using var scope = NewDisposeScope();
        var kernel = zeros(3, 3);
        kernel[0, 2] = 1f;
        var x = arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4);
        using var op = new BlurOperator(TaskNames.MotionBlur, kernel, ConvolutionMethod.Direct);
        var y = op.Apply(x);
        // Row i−1 with reflection (row −1 → row 1), column j+1 (column 4 → column 2).
        Assert.Equal(x[0, 0, 1, 1].item<float>(), y[0, 0, 0, 0].item<float>());
        Assert.Equal(x[0, 0, 1, 2].item<float>(), y[0, 0, 0, 3].item<float>());
        Assert.Equal(x[0, 0, 2, 3].item<float>(), y[0, 0, 3, 2].item<float>());
    }

    [Fact]
    public void AutoUsesFftForLargeKernelsAndDirectForSmallOnes()
    {
        using var big = new BlurOperator(TaskNames.GaussianBlur, GaussianKernel.Create(61, 3));
        using var small = new BlurOperator(TaskNames.GaussianBlur, GaussianKernel.Create(7, 1));
        Assert.Equal(ConvolutionMethod.Fft, big.Method);
        Assert.Equal(ConvolutionMethod.Direct, small.Method);
    }

    [Fact]
    public void EvenOrNonSquareKernelsAreRejected()
    {
        using var even = ones(4, 4);
        using var rect = ones(3, 5);
        Assert.Contains("odd", Assert.Throws<ArgumentException>(() => new BlurOperator(TaskNames.GaussianBlur, even)).Message);
        Assert.Contains("[3, 5]", Assert.Throws<ArgumentException>(() => new BlurOperator(TaskNames.GaussianBlur, rect)).Message);
    }

    [Fact]
    public void ImagesSmallerThanTheReflectionPadAreRejected()
    {
        // σ = 12 reaches the 61×61 kernel's border (radius 48), so nothing is cropped and the pad stays 30.
        using var op = new BlurOperator(TaskNames.GaussianBlur, GaussianKernel.Create(61, 12));
        Assert.Equal(61, op.KernelSize);
        using var x = zeros(1, 3, 16, 16);
        Assert.Contains("larger than 30", Assert.Throws<ArgumentException>(() => op.Apply(x)).Message);
    }

    [Fact]
    public void AllZeroBordersAreCroppedWithoutChangingTheResult()
    {
        // The reference's 61×61 Gaussian with σ = 3 is nonzero only within radius 12 (scipy truncates at 4σ).
        using var scope = NewDisposeScope();
        using var full = GaussianKernel.Create(61, 3);
        using var op = new BlurOperator(TaskNames.GaussianBlur, full);
        Assert.Equal(25, op.KernelSize);
        Assert.Equal(full.sum().item<float>(), op.Kernel.sum().item<float>());
        // Against the uncropped kernel applied directly (reflection pad 30, 61×61 correlation).
        using var g = new Generator(5, CPU);
        var x = rand([1, 3, 64, 64], generator: g) * 2 - 1;
        var reference = nn.functional.conv2d(nn.functional.pad(x, [30, 30, 30, 30], PaddingModes.Reflect),
            full.expand(3, 1, 61, 61), groups: 3);
        var y = op.Apply(x);
        Assert.True(((y - reference).norm() / reference.norm()).item<float>() < 1e-6f);
    }

    [Theory]
    [InlineData(11, 20, 23)]
    [InlineData(25, 40, 33)]
    public void FftGradientIsTheAdjointOfTheDirectOne(int kernelSize, int height, int width)
    {
        // The FFT path has its own backward (correlation with the conjugate spectrum); it must equal autograd's
        // gradient through the direct convolution, for an asymmetric kernel and non-square images.
        using var scope = NewDisposeScope();
        using var g = new Generator(11, CPU);
        var kernel = rand([kernelSize, kernelSize], generator: g);
        var x = rand([2, 3, height, width], generator: g) * 2 - 1;
        var target = rand([2, 3, height, width], generator: g);
        using var direct = new BlurOperator(TaskNames.MotionBlur, kernel, ConvolutionMethod.Direct);
        using var viaFft = new BlurOperator(TaskNames.MotionBlur, kernel, ConvolutionMethod.Fft);
        Tensor Gradient(BlurOperator op)
        {
            var xg = x.detach().requires_grad_(true);
            var loss = (op.Apply(xg) - target).square().sum();
            return autograd.grad([loss], [xg])[0];
        }
        var a = Gradient(direct);
        var b = Gradient(viaFft);
        Assert.True(((a - b).norm() / a.norm()).item<float>() < 1e-5f);
    }

    [Fact]
    public void FftSizesAreSmoothAndLargeEnough()
    {
        Assert.Equal(320, BlurOperator.FftSize(316));
        Assert.Equal(128, BlurOperator.FftSize(128));
        Assert.Equal(100, BlurOperator.FftSize(97)); // 97 is prime and 98 = 2·7², 99 = 3²·11 are not 5-smooth
    }
}

public class BlurKernelShapeTests
{
    [Fact]
    public void LeadingUnitDimensionsOfTheKernelAreAccepted()
    {
        using var kernel = ones(1, 1, 5, 5);
        using var op = new BlurOperator(TaskNames.GaussianBlur, kernel);
        Assert.Equal(5, op.KernelSize);
        using var k = op.Kernel;
        Assert.Equal(new long[] { 5, 5 }, k.shape);
    }
}
