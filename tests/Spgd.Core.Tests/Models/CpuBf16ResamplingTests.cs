using Spgd.Core.Models;
using Spgd.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Tests.Models;

/// <summary>
/// The bf16 CPU resamplers (depthwise-convolution pooling, broadcast and summing backward) must give what libtorch's
/// avg_pool2d / nearest interpolate give when computed in float32 and rounded once to bf16: value and input gradient,
/// bit for bit, on values spread over 13 binades. Within that spread every 2×2 sum of bf16 values is exact in float32,
/// so the claim holds whatever order a kernel sums in (oneDNN's order may differ between CPUs).
/// </summary>
public class CpuBf16ResamplingTests
{
    [Theory]
    [InlineData("down", 64, 32)]
    [InlineData("up", 64, 16)]
    [InlineData("down", 3, 9 * 2)]
    public void ValueAndGradientAreTheFloat32OnesRoundedOnce(string mode, int channels, int side)
    {
        if (!CpuFeatures.Current.HasBf16) return; // bf16 is refused on such CPUs; nothing runs this path there.
        using var scope = NewDisposeScope();
        var resampling = mode == "down" ? Resampling.Down : Resampling.Up;
        using var generator = new Generator(11);
        var x = OverBinades(channels, side, generator);
        long outSide = resampling == Resampling.Down ? side / 2 : side * 2;
        var upstream = OverBinades(channels, outSide, generator);
        Assert.True(CpuBf16Resampling.Applies(x));

        var input = x.detach().requires_grad_(true);
        var value = Resample.Apply(input, resampling);
        var gradient = autograd.grad([value], [input], [upstream])[0];

        var wide = x.to(ScalarType.Float32).requires_grad_(true);
        var wideValue = resampling == Resampling.Down
            ? F.avg_pool2d(wide, [2, 2], [2, 2])
            : F.interpolate(wide, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        var wideGradient = autograd.grad([wideValue], [wide], [upstream.to(ScalarType.Float32)])[0];

        Assert.Equal(ScalarType.BFloat16, value.dtype);
        Assert.Equal(ScalarType.BFloat16, gradient.dtype);
        Assert.Equal(0, Differing(value, wideValue.to(ScalarType.BFloat16)));
        Assert.Equal(0, Differing(gradient, wideGradient.to(ScalarType.BFloat16)));
        // Without gradient the forward is the same.
        using (no_grad()) Assert.Equal(0, Differing(Resample.Apply(x, resampling), value));
    }

    // ±(1 + u)·2^k in bf16, k from −6 to 6: a 2×2 sum's terms are multiples of 2^−13 below 2^9, 22 bits, so float32
    // holds every partial sum exactly.
    private static Tensor OverBinades(int channels, long side, Generator generator)
    {
        using var scope = NewDisposeScope();
        var sign = randint(0, 2, [2, channels, side, side], generator: generator) * 2 - 1;
        var mantissa = 1 + rand(2, channels, side, side, generator: generator);
        var binade = randint(-6, 7, [2, channels, side, side], generator: generator).to(ScalarType.Float32);
        return scope.MoveToOuter((sign * mantissa * pow(2, binade)).to(ScalarType.BFloat16));
    }

    private static long Differing(Tensor a, Tensor b)
    {
        using var different = a.detach().ne(b.detach());
        return different.sum().item<long>();
    }
}
