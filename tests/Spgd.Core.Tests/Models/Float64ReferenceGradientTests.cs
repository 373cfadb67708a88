using Spgd.Core.Arrays;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Tests;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Models;

/// <summary>
/// Both float32 UNet paths (activations recomputed in the backward, and layer by layer) against float64 autograd of the
/// same network with the same weights: the value of D(x, σ) and the input gradient of ‖D(x, σ) − r‖². Comparing the
/// paths only with each other would let an error they share hide; repeating each pass catches an error that changes
/// from run to run (a buffer reused while autograd still needs it reads differently each time).
/// </summary>
public class Float64ReferenceGradientTests(ITestOutputHelper output)
{
    private const int Repetitions = 4;
    private const double Tolerance = 1e-5;
    private static readonly double[] Sigmas = [0.05, 0.5, 5, 20];

    /// <summary>The fixture's config (scale-shift norm, up/down residual blocks) and its opposite (plain norm with the
    /// embedding added, convolutional resamplers), which exercises the other branches of every block.</summary>
    public static TheoryData<string> Configs => ["fixture", "no-scale-shift-conv-resamplers"];

    [Theory]
    [MemberData(nameof(Configs))]
    public void BothPathsMatchFloat64ValuesAndInputGradients(string which)
    {
        var (single, wide) = Denoisers(which);
        using (single) using (wide)
        {
            using var x = NpyFile.Read(TestPaths.Fixture("unet", "denoise_0_input.npy")).ToTensor();
            using var generator = new Generator(11);
            using var r = randn(x.shape, generator: generator);
            foreach (double sigma in Sigmas)
            {
                var (refValue, refGradient) = ValueAndGradient(wide, x.to(ScalarType.Float64), r.to(ScalarType.Float64), sigma);
                using (refValue) using (refGradient)
                {
                    foreach (bool recompute in new[] { true, false })
                    {
                        single.Network.RecomputeActivations = recompute;
                        for (int rep = 0; rep < Repetitions; rep++)
                        {
                            var (value, gradient) = ValueAndGradient(single, x, r, sigma);
                            using (value) using (gradient)
                            {
                                double valueError = GuidedDiffusionUNetTests.RelativeL2(value, refValue);
                                double gradientError = GuidedDiffusionUNetTests.RelativeL2(gradient, refGradient);
                                string path = recompute ? "recompute" : "layer-by-layer";
                                if (rep == 0) output.WriteLine($"{which}, σ = {sigma}, {path}: value {valueError:E2}, gradient {gradientError:E2}");
                                Assert.True(valueError <= Tolerance, $"{which}, σ = {sigma}, {path}, repetition {rep}: D(x, σ) differs from float64 by {valueError:E3}");
                                Assert.True(gradientError <= Tolerance, $"{which}, σ = {sigma}, {path}, repetition {rep}: input gradient differs from float64 by {gradientError:E3}");
                            }
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttentionBlockMatchesFloat64(bool newOrder)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var single = new AttentionBlock(64, numHeads: 4, numHeadChannels: 16, newOrder, device: null);
        var wide = new AttentionBlock(64, numHeads: 4, numHeadChannels: 16, newOrder, device: null);
        CopyWeights(single, wide);
        wide.to(ScalarType.Float64);
        var x = randn(2, 64, 8, 8);
        var r = randn(2, 64, 8, 8);

        (Tensor Value, Tensor Gradient) Pass(AttentionBlock block, Tensor input, Tensor weights)
        {
            var xg = input.detach().requires_grad_(true);
            var value = block.forward(xg);
            var gradient = autograd.grad([(value * weights).sum()], [xg])[0];
            return (value.detach(), gradient);
        }

        var (refValue, refGradient) = Pass(wide, x.to(ScalarType.Float64), r.to(ScalarType.Float64));
        for (int rep = 0; rep < Repetitions; rep++)
        {
            var (value, gradient) = Pass(single, x, r);
            double valueError = GuidedDiffusionUNetTests.RelativeL2(value, refValue);
            double gradientError = GuidedDiffusionUNetTests.RelativeL2(gradient, refGradient);
            if (rep == 0) output.WriteLine($"attention (new order {newOrder}): value {valueError:E2}, gradient {gradientError:E2}");
            Assert.True(valueError <= Tolerance, $"attention value differs from float64 by {valueError:E3}");
            Assert.True(gradientError <= Tolerance, $"attention input gradient differs from float64 by {gradientError:E3}");
        }
    }

    private static (Tensor Value, Tensor Gradient) ValueAndGradient(VpPreconditionedDenoiser denoiser, Tensor x, Tensor r, double sigma)
    {
        using var scope = NewDisposeScope();
        var xg = x.detach().requires_grad_(true);
        var d = denoiser.Denoise(xg, sigma);
        var gradient = autograd.grad([(d - r).square().sum()], [xg])[0];
        return (scope.MoveToOuter(d.detach()), scope.MoveToOuter(gradient));
    }

    /// <summary>A float32 denoiser and a float64 one with identical weights.</summary>
    private static (VpPreconditionedDenoiser Single, VpPreconditionedDenoiser Wide) Denoisers(string which)
    {
        var fixture = UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json"));
        GuidedDiffusionUNet single, wide;
        if (which == "fixture")
        {
            single = UNetLoader.LoadNetwork(fixture, TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
            wide = UNetLoader.LoadNetwork(fixture, TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
        }
        else
        {
            var config = fixture with { UseScaleShiftNorm = false, ResblockUpdown = false, ParameterCount = null };
            manual_seed(3);
            single = new GuidedDiffusionUNet(config);
            RandomiseNorms(single);
            wide = new GuidedDiffusionUNet(config);
            CopyWeights(single, wide);
        }
        wide.to(ScalarType.Float64);
        return (new VpPreconditionedDenoiser(single), new VpPreconditionedDenoiser(wide));
    }

    // Default initialisation leaves GroupNorm at weight 1, bias 0; non-trivial affine terms test their gradients too.
    private static void RandomiseNorms(GuidedDiffusionUNet network)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in network.named_parameters())
            if (p.dim() == 1 && (name.Contains("norm") || name.Contains("layers.0") || name.StartsWith("out.0", StringComparison.Ordinal)))
                p.copy_(rand_like(p) + 0.5);
    }

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var source = from.named_parameters().ToDictionary(np => np.name, np => np.parameter);
        foreach (var (name, p) in to.named_parameters()) p.copy_(source[name]);
    }
}
