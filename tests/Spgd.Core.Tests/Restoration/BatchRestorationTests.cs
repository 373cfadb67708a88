using Spgd.Core.Denoising;
using Spgd.Core.Models;
using Spgd.Core.Operators;
using Spgd.Core.Restoration;
using Spgd.Core.Sampling;
using Spgd.Tests;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Restoration;

/// <summary>
/// <see cref="Restorer.RestoreBatch"/>: items stacked on the batch dimension keep their own seeds, so each result is
/// the item's own <see cref="Restorer.Restore"/> result up to float32 round-off (measured: bit-identical with the spectral
/// prior, ~1e-3 after a short UNet restoration; tolerances below, the measured difference is printed).
/// </summary>
public class BatchRestorationTests(ITestOutputHelper output)
{
    /// <summary>Largest |batched − alone| allowed on a restored pixel (images in [−1, 1]); round-off is ~1e-6.</summary>
    private const double Tolerance = 1e-4;

    /// <summary>The same after a UNet restoration: the sampler's large steps (lr 2.5, σ up to 100) amplify the
    /// evaluations' ~1e-7 relative round-off to ~1e-3 on the image (measured 7e-4 at T = 2, N = 2).</summary>
    private const double UNetTolerance = 5e-3;

    private static readonly SpgdOptions Quick = new() { Steps = 4, Warmup = 2 };

    private static List<RestorationRequest> Requests(string task, SpgdOptions sampler, int count, int size)
    {
        var requests = new List<RestorationRequest>();
        for (var k = 0; k < count; k++)
        {
            var clean = SpectralGaussianPrior.Default.Sample(1, size, seed: (ulong)(100 + k)).clamp(-1, 1)[0];
            requests.Add(new RestorationRequest(clean, new OperatorSettings(task, 0.05) { KernelSize = 7 }, sampler, (ulong)(7 + 31 * k)));
        }
        return requests;
    }

    private double MaxDifference(Restorer restorer, IReadOnlyList<RestorationRequest> requests)
    {
        var batched = restorer.RestoreBatch(requests);
        double worst = 0;
        try
        {
            Assert.Equal(requests.Count, batched.Count);
            for (var k = 0; k < requests.Count; k++)
            {
                using var alone = restorer.Restore(requests[k]);
                Assert.Equal(alone.Restored.shape, batched[k].Restored.shape);
                // Each item's operator and noise are its own: the measurement is the same computation, bit for bit.
                Assert.True(alone.Measurement.equal(batched[k].Measurement).all().item<bool>(), $"item {k}: measurement differs");
                Assert.Equal(alone.NetworkEvaluations, batched[k].NetworkEvaluations);
                worst = Math.Max(worst, (alone.Restored - batched[k].Restored).abs().max().item<float>());
                Assert.NotNull(batched[k].X0Hat);
            }
        }
        finally
        {
            foreach (var r in batched) r.Dispose();
        }
        return worst;
    }

    [Fact]
    public void ABatchOfOneIsBitIdenticalToRestore()
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var request = Requests(TaskNames.InpaintingRandom, Quick, 1, 16)[0];
        using var alone = restorer.Restore(request);
        var batched = Assert.Single(restorer.RestoreBatch([request]));
        using (batched)
            Assert.True(alone.Restored.equal(batched.Restored).all().item<bool>());
    }

    [Theory]
    [InlineData(TaskNames.InpaintingRandom)]   // a random mask per item
    [InlineData(TaskNames.MotionBlur)]         // a random kernel per item
    [InlineData(TaskNames.SuperResolution)]
    public void EachItemMatchesItsOwnRunWithTheSpectralPrior(string task)
    {
        var worst = MaxDifference(new Restorer(SpectralGaussianPrior.Default, CPU), Requests(task, Quick, 3, 32));
        output.WriteLine($"{task}: max |batched − alone| = {worst:g3}");
        Assert.True(worst <= Tolerance, $"{task}: batched results differ from the items' own by {worst:g3} > {Tolerance:g1}");
    }

    [Fact]
    public void ManagementAndDpsStayPerSample()
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var projected = MaxDifference(restorer, Requests(TaskNames.InpaintingRandom, Quick with { DiffStateGradTau = 0.9 }, 3, 32));
        var dps = MaxDifference(restorer, Requests(TaskNames.InpaintingRandom, Quick with { Algorithm = SamplerAlgorithm.Dps, DpsStepSize = 0.3 }, 3, 32));
        output.WriteLine($"ADM + DiffStateGrad: {projected:g3}; DPS: {dps:g3}");
        Assert.True(projected <= Tolerance, $"DiffStateGrad: {projected:g3}");
        Assert.True(dps <= Tolerance, $"DPS: {dps:g3}");
    }

    [Fact]
    public void EachItemMatchesItsOwnRunWithAUNet()
    {
        using var denoiser = UNetLoader.LoadDenoiser(UNetConfig.FromJsonFile(TestPaths.Fixture("unet", "config.json")),
            TestPaths.Fixture("unet", "checkpoint.pt"), CPU);
        // Convolutions pick their blocking by batch size, so this is where round-off shows: first in one evaluation...
        using var x = randn([2, 3, 32, 32], generator: new Generator(5)) * 2;
        using var pair = denoiser.Denoise(x, 2.0);
        using var first = denoiser.Denoise(x[..1], 2.0);
        var evaluation = (pair[..1] - first).abs().max().item<float>() / first.abs().max().item<float>();
        // ...then after the sampler's gradient steps (lr 2.5 at σ up to 100) have amplified it.
        var worst = MaxDifference(new Restorer(denoiser, CPU), Requests(TaskNames.GaussianBlur, Quick with { Steps = 2 }, 2, 32));
        output.WriteLine($"fixture UNet: one evaluation, max relative |batched − alone| = {evaluation:g3}; " +
                         $"restoration (Gaussian blur, T = 2, N = 2): max |batched − alone| = {worst:g3}");
        Assert.True(evaluation <= 1e-5, $"UNet evaluation: {evaluation:g3}");
        Assert.True(worst <= UNetTolerance, $"UNet restoration: {worst:g3}");
    }

    [Fact]
    public void MixedSettingsOrSizesAreRejectedNamingTheItem()
    {
        var restorer = new Restorer(SpectralGaussianPrior.Default, CPU);
        var a = Requests(TaskNames.InpaintingRandom, Quick, 1, 16)[0];
        var otherTask = a with { Operator = new OperatorSettings(TaskNames.SuperResolution) };
        var otherSchedule = a with { Sampler = Quick with { Steps = 5 } };
        var otherSize = a with { Clean = SpectralGaussianPrior.Default.Sample(1, 32, seed: 1)[0] };
        Assert.Contains("Request 1: operator", Assert.Throws<ArgumentException>(() => restorer.RestoreBatch([a, otherTask])).Message);
        Assert.Contains("Request 1: sampler", Assert.Throws<ArgumentException>(() => restorer.RestoreBatch([a, otherSchedule])).Message);
        Assert.Contains("Request 1: image shape", Assert.Throws<ArgumentException>(() => restorer.RestoreBatch([a, otherSize])).Message);
        Assert.Throws<ArgumentException>(() => restorer.RestoreBatch([]));
    }
}
