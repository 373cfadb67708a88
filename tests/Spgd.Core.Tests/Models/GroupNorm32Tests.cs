using Spgd.Core.Models;
using Spgd.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Tests.Models;

/// <summary>
/// GroupNorm32 on a bf16 CPU tensor runs libtorch's mixed-type kernel directly (no float32 copy); guided-diffusion's rule
/// is "normalise in float32", so its value and input gradient must be those of widening to float32 and rounding back.
/// Checked to fail when the kernel is given bf16 affine parameters (libtorch's pure-bf16 path): excess 6e-3.
/// </summary>
public class GroupNorm32Tests
{
    [Theory]
    [InlineData(64, 32)]
    [InlineData(256, 16)]
    public void Bf16NormalisesInFloat32(int channels, int side)
    {
        if (!CpuFeatures.Current.HasBf16) return; // bf16 is refused on such CPUs; nothing runs this path there.
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var norm = new GroupNorm32(channels, CPU);
        // Affine parameters that are not the identity, as a trained network's.
        using (no_grad())
        {
            norm.named_parameters().First(p => p.name == "weight").parameter.copy_(rand(channels, generator: generator) + 0.5);
            norm.named_parameters().First(p => p.name == "bias").parameter.copy_(randn(channels, generator: generator));
        }
        var (weight, bias) = (norm.named_parameters().First(p => p.name == "weight").parameter, norm.named_parameters().First(p => p.name == "bias").parameter);
        // A mean far from zero relative to the spread: the case where bf16 accumulation would lose the variance.
        var x = (randn(2, channels, side, side, generator: generator) * 0.5 + 40).to(ScalarType.BFloat16);
        var upstream = randn(x.shape, generator: generator).to(ScalarType.BFloat16);

        var input = x.detach().requires_grad_(true);
        var value = norm.forward(input);
        var gradient = autograd.grad([value], [input], [upstream])[0];

        var wideInput = x.detach().requires_grad_(true);
        var expected = F.group_norm(wideInput.to(ScalarType.Float32), 32, weight, bias, 1e-5).to(ScalarType.BFloat16);
        var expectedGradient = autograd.grad([expected], [wideInput], [upstream])[0];

        Assert.Equal(ScalarType.BFloat16, value.dtype);
        // Equal up to one bf16 unit in the last place on every element (≤ 2^-7 relative): the same float32 arithmetic in
        // another order, rounded once, can land on the neighbouring bf16 value; accumulating in bf16 would be far off.
        AssertWithinOneRounding(value, expected);
        AssertWithinOneRounding(gradient, expectedGradient);
    }

    /// <summary>The scale-shift form folds the modulation into one GroupNorm over the batch's images as channels: in float64
    /// it must equal GroupNorm, then ·(1 + scale) + shift, image by image (different scales per image catch a fold that
    /// mixed images or channels up).</summary>
    [Fact]
    public void ScaleShiftFoldEqualsNormThenModulation()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        const int channels = 64;
        var norm = new GroupNorm32(channels, CPU);
        norm.to(ScalarType.Float64);
        using (no_grad())
        {
            norm.named_parameters().First(p => p.name == "weight").parameter.copy_(rand(channels, generator: generator) + 0.5);
            norm.named_parameters().First(p => p.name == "bias").parameter.copy_(randn(channels, generator: generator));
        }
        var x = randn(3, channels, 8, 8, generator: generator, dtype: ScalarType.Float64) * 2 + 1;
        var scale = randn(3, channels, 1, 1, generator: generator, dtype: ScalarType.Float64);
        var shift = randn(3, channels, 1, 1, generator: generator, dtype: ScalarType.Float64);
        var folded = norm.forward(x, scale, shift);
        var expected = norm.forward(x) * (scale + 1) + shift;
        double error = ((folded - expected).norm() / expected.norm()).item<double>();
        Assert.True(error < 1e-13, $"folded scale-shift GroupNorm differs from norm-then-modulate by {error:E2}");
    }

    private static void AssertWithinOneRounding(Tensor actual, Tensor expected)
    {
        var a = actual.to(ScalarType.Float32);
        var e = expected.to(ScalarType.Float32);
        var excess = ((a - e).abs() - e.abs() * Math.Pow(2, -7) - 1e-6).max().item<float>();
        Assert.True(excess <= 0, $"bf16 GroupNorm differs from float32-then-round by more than one bf16 ulp (excess {excess:E2})");
    }
}
