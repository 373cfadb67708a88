using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Diagnostics;

public class GradientDiagnosticsTests
{
    private static readonly SpectralGaussianPrior Prior = new(0.25, 2);

    private static (Tensor Start, Tensor Y, ForwardOperator Op) Problem(int batch)
    {
        var clean = Prior.Sample(batch, 16, 11);
        var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom, 0.01) { DropFraction = 0.5 }, 16, 16, 12);
        using var generator = new Generator(13, CPU);
        var start = 100 * randn(clean.shape, generator: generator);
        return (start, Measurement.Simulate(op, clean, 0.01, 14), op);
    }

    [Theory]
    [InlineData(SamplerAlgorithm.Spgd, true)]
    [InlineData(SamplerAlgorithm.Spgd, false)]
    [InlineData(SamplerAlgorithm.Dps, false)]
    public void AnglesFollowTheStepDecompositionIntoLikelihoodAndDenoisingParts(SamplerAlgorithm algorithm, bool adm)
    {
        // g_l and g_d recomputed from what onStep reports: SPGD g_l = x⁽ᴺ⁾ − x_t, g_d = x_{t−1} − x⁽ᴺ⁾;
        // DPS g_d = x' − x_t, g_l = x_{t−1} − x'. SamplerStep.XRefined is x⁽ᴺ⁾ (SPGD) or x' (DPS).
        var (start, y, op) = Problem(2);
        var options = new SpgdOptions { Steps = 5, Warmup = 3, Adm = adm, Algorithm = algorithm, DpsStepSize = 2 };
        var recorder = new GradientDiagnosticsRecorder();
        var sampler = PosteriorSamplers.Create(Prior, options, recorder);
        var expected = new List<(double[] LD, double[]? L, double[]? D)>();
        Tensor? previousX = start.clone(), previousL = null, previousD = null;
        using var output = sampler.Sample(start, y, op, step =>
        {
            Tensor gl, gd;
            if (algorithm == SamplerAlgorithm.Spgd) { gl = step.XRefined - previousX!; gd = step.X - step.XRefined; }
            else { gd = step.XRefined - previousX!; gl = step.X - step.XRefined; }
            expected.Add((AngleMath.Angles(gl, gd),
                previousL is null ? null : AngleMath.Angles(previousL, gl),
                previousD is null ? null : AngleMath.Angles(previousD, gd)));
            previousX = step.X.clone(); previousL = gl.clone(); previousD = gd.clone();
            previousX.DetachFromDisposeScope(); previousL.DetachFromDisposeScope(); previousD.DetachFromDisposeScope();
        });

        Assert.Equal(options.Steps, recorder.Steps.Count);
        for (var i = 0; i < options.Steps; i++)
        {
            var record = recorder.Steps[i];
            Assert.Equal(i, record.Step);
            Assert.Equal(2, record.LikelihoodDenoisingAngle.Count);
            AssertAngles(expected[i].LD, record.LikelihoodDenoisingAngle);
            if (i == 0)
            {
                Assert.Null(record.LikelihoodTurnAngle);
                Assert.Null(record.DenoisingTurnAngle);
            }
            else
            {
                AssertAngles(expected[i].L!, record.LikelihoodTurnAngle!);
                AssertAngles(expected[i].D!, record.DenoisingTurnAngle!);
            }
            Assert.All(record.LikelihoodNorm, n => Assert.True(n > 0));
        }
    }

    [Fact]
    public void ASinkDoesNotChangeTheRun()
    {
        var (start, y, op) = Problem(1);
        var options = new SpgdOptions { Steps = 4, Warmup = 2 };
        using var plain = new SpgdSampler(Prior, options).Sample(start, y, op);
        using var observed = new SpgdSampler(Prior, options, new GradientDiagnosticsRecorder()).Sample(start, y, op);
        Assert.True(plain.eq(observed).all().item<bool>());
    }

    private static void AssertAngles(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var b = 0; b < expected.Count; b++)
        {
            Assert.InRange(actual[b], 0, Math.PI);
            Assert.Equal(expected[b], actual[b], 4);
        }
    }
}
