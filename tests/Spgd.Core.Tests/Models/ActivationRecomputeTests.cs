using Spgd.Core.Arrays;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Tests;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Models;

public class ActivationRecomputeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(20.0)]
    public void RecomputingActivationsGivesTheSameValuesAndInputGradients(double sigma)
    {
        using var denoiser = UNetLoader.LoadDenoiser(UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")),
            TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
        using var x = NpyFile.Read(TestPaths.Fixture("unet", "denoise_0_input.npy")).ToTensor();
        using var generator = new Generator(7);
        using var y = randn(x.shape, generator: generator);

        (Tensor Value, Tensor Gradient) Pass(bool recompute)
        {
            denoiser.Network.RecomputeActivations = recompute;
            using var scope = NewDisposeScope();
            var xg = x.detach().requires_grad_(true);
            var d = denoiser.Denoise(xg, sigma);
            var gradient = autograd.grad([(d - y).square().sum()], [xg])[0];
            return (scope.MoveToOuter(d.detach()), scope.MoveToOuter(gradient));
        }

        var (plainValue, plainGradient) = Pass(recompute: false);
        var (value, gradient) = Pass(recompute: true);
        using (plainValue) using (plainGradient) using (value) using (gradient)
        {
            double valueError = GuidedDiffusionUNetTests.RelativeL2(value, plainValue);
            double gradientError = GuidedDiffusionUNetTests.RelativeL2(gradient, plainGradient);
            output.WriteLine($"σ = {sigma}: value {valueError:E2}, gradient {gradientError:E2}");
            Assert.True(valueError < 1e-6, $"forward values differ: {valueError}");
            Assert.True(gradientError < 1e-5, $"input gradients differ beyond float32 round-off: {gradientError}");
            Assert.True(gradient.abs().sum().item<float>() > 0);
        }
        Assert.All(denoiser.Network.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void WithoutGradientsTheForwardIsThePlainOne()
    {
        using var denoiser = UNetLoader.LoadDenoiser(UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")),
            TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
        using var x = NpyFile.Read(TestPaths.Fixture("unet", "denoise_1_input.npy")).ToTensor();
        using var noGrad = no_grad();
        denoiser.Network.RecomputeActivations = false;
        using var plain = denoiser.Denoise(x, 1.0);
        denoiser.Network.RecomputeActivations = true;
        using var value = denoiser.Denoise(x, 1.0);
        Assert.Equal(0.0, (value - plain).abs().max().item<float>());
    }
}
