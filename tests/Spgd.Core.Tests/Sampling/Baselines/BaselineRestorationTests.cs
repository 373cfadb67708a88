using System.Diagnostics;
using Spgd.Core.Denoising;
using Spgd.Core.Imaging;
using Spgd.Core.Metrics;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Tests;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling.Baselines;

/// <summary>
/// The baselines at their protocol settings restore a real photo (ffhq-demo, 64 px) under the closed-form spectral
/// prior: for inpainting and Gaussian deblurring each output beats the measurement's own estimate A⁺y (zero-filled
/// pixels; the floored-SVD deconvolution) in PSNR. The numbers go to the test log. (Super-resolution is left out:
/// there A⁺y is a good up-sampler, and a posterior *sample* of this weak Gaussian prior fills the unmeasured 15/16 of
/// the coefficients with prior-variance texture, so a sample is expected to score below it.)
/// </summary>
public class BaselineRestorationTests(ITestOutputHelper output)
{
    private const int Size = 64;
    private const double NoiseSigma = 0.05;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in new[] { "dps", "ddrm", "diffpir", "reddiff" })
            foreach (var task in new[] { TaskNames.InpaintingRandom, TaskNames.GaussianBlur })
                data.Add(method, task);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BeatsThePseudoInverse(string method, string task)
    {
        var prior = new SpectralGaussianPrior(0.25, 2);
        using var clean = ImageIO.Load(Path.Combine(TestPaths.FfhqDemo, "00000.png"), Size);
        using var op = OperatorFactory.Create(new OperatorSettings(task, NoiseSigma), Size, Size, seed: 11);
        using var y = Measurement.Simulate(op, clean, NoiseSigma, seed: 12);
        using var noise = new GeneratorNoiseSource(13);
        IPosteriorSampler sampler = method switch
        {
            "dps" => new DpsAncestralSampler(prior, new DpsOptions { StepSize = DpsOptions.ReleasedStepSize(task) }, noise),
            "ddrm" => new DdrmSampler(prior, new DdrmOptions { MeasurementNoise = NoiseSigma }, noise),
            "diffpir" => new DiffPirSampler(prior, DiffPir(task), noise),
            _ => new RedDiffSampler(prior, new RedDiffOptions(), noise),
        };
        var watch = Stopwatch.StartNew();
        using var restored = sampler.Sample(clean, y, op);
        watch.Stop();
        using var svd = OperatorSvd.For(op, Size, Size, 3e-2);
        using var pseudoInverse = svd.PseudoInverse(y).clamp(-1, 1);
        var psnr = Psnr.Compute(clean, restored.clamp(-1, 1)).item<float>();
        var reference = Psnr.Compute(clean, pseudoInverse).item<float>();
        output.WriteLine($"{method} {task} {Size}px σ_y {NoiseSigma}: PSNR {psnr:F2} dB (A⁺y {reference:F2} dB), NFE {sampler.NetworkEvaluations}, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(psnr > reference, $"{method} {task}: PSNR {psnr:F2} ≤ A⁺y's {reference:F2}");
    }

    private static DiffPirOptions DiffPir(string task)
    {
        var (lambda, zeta) = DiffPirOptions.ScriptDefaults(task);
        return new DiffPirOptions { Lambda = lambda, Zeta = zeta, MeasurementNoise = NoiseSigma };
    }
}
