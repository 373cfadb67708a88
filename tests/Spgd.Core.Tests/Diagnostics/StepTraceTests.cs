using System.Text.Json;
using Spgd.Core.Denoising;
using Spgd.Core.Diagnostics;
using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Diagnostics;

public class StepTraceTests
{
    [Fact]
    public void TraceHoldsX0HatPsnrAndAnglesPerStepAndSample()
    {
        var prior = new SpectralGaussianPrior(0.25, 2);
        using var clean = prior.Sample(2, 16, 31).clamp(-1, 1);
        using var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom, 0.01) { DropFraction = 0.5 }, 16, 16, 32);
        using var y = Measurement.Simulate(op, clean, 0.01, 33);
        using var generator = new Generator(34, CPU);
        using var start = 100 * randn(clean.shape, generator: generator);
        using var trace = new StepTrace(clean, (reference, candidate) => [0.5, 0.25]);
        var x0Hats = new List<Tensor>();
        var sampler = new SpgdSampler(prior, new SpgdOptions { Steps = 6, Warmup = 2 }, trace);
        using var output = sampler.Sample(start, y, op, step =>
        {
            trace.OnStep(step);
            var copy = step.X0Hat.detach().clone();
            copy.DetachFromDisposeScope();
            x0Hats.Add(copy);
        });

        for (var b = 0; b < 2; b++)
        {
            var series = trace.For(b);
            Assert.Equal(6, series.Count);
            for (var i = 0; i < 6; i++)
            {
                var mse = ((x0Hats[i][b].clamp(-1, 1) - clean[b]) / 2).square().mean().item<float>();
                Assert.Equal(-10 * Math.Log10(mse + 1e-8), series[i].X0HatPsnr!.Value, 3);
                Assert.Equal(b == 0 ? 0.5 : 0.25, series[i].X0HatLpips);
                Assert.Equal(sampler.Schedule.Sigmas[i], series[i].Sigma);
                Assert.InRange(series[i].LikelihoodDenoisingAngle!.Value, 0, Math.PI);
                Assert.Equal(i == 0, series[i].LikelihoodTurnAngle is null);
            }
            // Late steps restore better than the first (σ = 100) ones.
            Assert.True(series[^1].X0HatPsnr > series[0].X0HatPsnr + 3);
        }

        using var document = JsonDocument.Parse(trace.ToJson(1));
        var first = document.RootElement[0];
        Assert.Equal(0, first.GetProperty("step").GetInt32());
        Assert.False(first.TryGetProperty("likelihoodTurnAngle", out _));
        Assert.Equal(trace.For(1)[0].X0HatPsnr!.Value, first.GetProperty("x0HatPsnr").GetDouble(), 12);
        Assert.Equal(trace.For(1)[3].LikelihoodTurnAngle!.Value, document.RootElement[3].GetProperty("likelihoodTurnAngle").GetDouble(), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => trace.For(2));
        foreach (var t in x0Hats) t.Dispose();
    }
}
