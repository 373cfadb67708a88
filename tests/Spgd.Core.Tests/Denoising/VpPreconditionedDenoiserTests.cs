using System.Text.Json;
using Spgd.Core.Arrays;
using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Core.Tests.Models;
using Spgd.Tests;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Denoising;

public class VpPreconditionedDenoiserTests(ITestOutputHelper output)
{
    private static VpPreconditionedDenoiser LoadFixtureDenoiser() => UNetLoader.LoadDenoiser(
        UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")), TestPaths.Fixture("unet", "checkpoint.pt"), torch.CPU);

    [Fact]
    public void MatchesTheReferenceDenoiserAtEachSigma()
    {
        using var denoiser = LoadFixtureDenoiser();
        using var json = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("unet", "denoise.json")));
        var sigmas = json.RootElement.GetProperty("sigmas").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Equal(2, sigmas.Length);
        for (int i = 0; i < sigmas.Length; i++)
        {
            using var scope = NewDisposeScope();
            var x = NpyFile.Read(TestPaths.Fixture("unet", $"denoise_{i}_input.npy")).ToTensor();
            var reference = NpyFile.Read(TestPaths.Fixture("unet", $"denoise_{i}_output.npy")).ToTensor();
            using var noGrad = no_grad();
            var result = denoiser.Denoise(x, sigmas[i]);
            Assert.Equal(reference.shape, result.shape);
            double error = GuidedDiffusionUNetTests.RelativeL2(result, reference);
            output.WriteLine($"σ = {sigmas[i]}: relative L2 error {error:E3}");
            Assert.True(error < 1e-4, $"σ = {sigmas[i]}: relative L2 error {error}");
        }
    }

    [Fact]
    public void PreconditioningFollowsEdmVpColumn()
    {
        using var denoiser = LoadFixtureDenoiser();
        Assert.Equal(1 / Math.Sqrt(1.25), VpPreconditionedDenoiser.InputScale(0.5), 12);
        Assert.Equal(-3.0, VpPreconditionedDenoiser.OutputScale(3.0));
        // σ⁻¹ inverts the VP schedule σ(t) = √(exp(β_d t²/2 + β_min t) − 1): t = 0.5 ↦ c_noise = 999·0.5.
        double sigmaAtHalf = Math.Sqrt(Math.Exp(19.9 * 0.25 / 2 + 0.1 * 0.5) - 1);
        Assert.Equal(499.5, denoiser.NoiseConditioning(sigmaAtHalf), 9);
        Assert.Equal(0.0, denoiser.NoiseConditioning(0), 12);
    }

    [Fact]
    public void GradientFlowsToTheInputOnly()
    {
        using var denoiser = LoadFixtureDenoiser();
        using var scope = NewDisposeScope();
        var x = NpyFile.Read(TestPaths.Fixture("unet", "denoise_0_input.npy")).ToTensor().requires_grad_(true);
        var d = denoiser.Denoise(x, 1.0);
        d.square().sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.All(denoiser.Network.parameters(), p => Assert.Null(p.grad));
        Assert.Contains("VP", denoiser.Description);
    }

    [Fact]
    public void RejectsANegativeSigma()
    {
        using var denoiser = LoadFixtureDenoiser();
        using var x = torch.zeros(1, 3, 64, 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => denoiser.Denoise(x, -1));
    }

    [Fact]
    public void LoadingFromAMissingCheckpointFailsBeforeBuildingTheNetwork()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "ffhq_10m.pt");
        var e = Assert.Throws<FileNotFoundException>(() => UNetLoader.LoadDenoiser(UNetConfig.Preset("ffhq256"), path, torch.CPU));
        Assert.Contains("ffhq_10m.pt", e.Message);
    }
}
