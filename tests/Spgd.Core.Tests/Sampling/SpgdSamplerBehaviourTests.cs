using Spgd.Core.Operators;
using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Tests.Sampling;

public class SpgdSamplerBehaviourTests
{
    private static readonly SpgdOptions Small = new() { Steps = 4, Warmup = 2, LearningRate = 2.5 };

    private static (Tensor Start, Tensor Y, ForwardOperator Op) Problem(int batch, ulong seed)
    {
        var clean = SpgdFixtureRun.FixturePrior.Sample(batch, 16, seed);
        var op = OperatorFactory.Create(new OperatorSettings(TaskNames.InpaintingRandom, 0.01) { DropFraction = 0.5 }, 16, 16, seed);
        using var generator = new Generator(seed + 100, CPU);
        var start = 100 * randn(clean.shape, generator: generator);
        return (start, Measurement.Simulate(op, clean, 0.01, seed + 200), op);
    }

    [Fact]
    public void CancellationStopsBeforeTheNextNetworkEvaluation()
    {
        var (start, y, op) = Problem(1, 1);
        using var cts = new CancellationTokenSource();
        var sampler = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small);
        var reported = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => sampler.Sample(start, y, op, step =>
        {
            reported++;
            if (step.Step == 1) cts.Cancel();
        }, cts.Token));
        Assert.Equal(2, reported);
        Assert.Equal(2 * Small.Warmup, sampler.NetworkEvaluations);

        var untouched = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small);
        Assert.ThrowsAny<OperationCanceledException>(() => untouched.Sample(start, y, op, ct: cts.Token));
        Assert.Equal(0, untouched.NetworkEvaluations);
    }

    [Fact]
    public void DivergenceNamesTheStepAndTheLearningRate()
    {
        var (start, y, op) = Problem(1, 2);
        var sampler = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small with { LearningRate = 1e30 });
        var e = Assert.Throws<SamplerDivergedException>(() => sampler.Sample(start, y, op));
        Assert.Contains($"outer step {e.Step + 1}", e.Message);
        Assert.Contains("learning rate", e.Message);
        Assert.Contains("LearningRate", e.Message);
    }

    [Fact]
    public void BatchedRunEqualsSeparateRuns()
    {
        // L sums over the batch and every other operation is per sample, so samples do not interact.
        var (start, y, op) = Problem(2, 3);
        var options = Small with { DiffStateGradTau = 0.9 };
        using var both = new SpgdSampler(SpgdFixtureRun.FixturePrior, options).Sample(start, y, op);
        for (var b = 0; b < 2; b++)
        {
            using var alone = new SpgdSampler(SpgdFixtureRun.FixturePrior, options).Sample(start[b..(b + 1)], y[b..(b + 1)], op);
            Assert.True(Fixtures.RelativeL2(both[b..(b + 1)], alone) < 1e-5);
        }
    }

    [Fact]
    public void ReportsEveryStepWithLossAndEvaluations()
    {
        var (start, y, op) = Problem(1, 4);
        var steps = new List<(int Step, double Sigma, double Loss, long Nfe)>();
        using var result = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small).Sample(start, y, op,
            s => steps.Add((s.Step, s.Sigma, s.Loss, s.NetworkEvaluations)));
        Assert.Equal([0, 1, 2, 3], steps.Select(s => s.Step));
        Assert.Equal(Small.Schedule().Sigmas.Take(4), steps.Select(s => s.Sigma));
        Assert.Equal([2L, 4, 6, 8], steps.Select(s => s.Nfe));
        Assert.All(steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss >= 0));
        Assert.True(steps[^1].Loss < steps[0].Loss);
    }

    [Fact]
    public void PaperAndReferencePresetsDiffer()
    {
        var (start, y, op) = Problem(1, 5);
        using var paper = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small).Sample(start, y, op);
        using var reference = new SpgdSampler(SpgdFixtureRun.FixturePrior, Small with { Preset = SpgdPreset.Reference }).Sample(start, y, op);
        Assert.True(Fixtures.RelativeL2(paper, reference) > 1e-4);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithEveryProblem()
    {
        var options = new SpgdOptions { Steps = 0, LearningRate = -1, DiffStateGradTau = 1.5, Beta = 1.5 };
        var e = Assert.Throws<ArgumentException>(() => new SpgdSampler(SpgdFixtureRun.FixturePrior, options));
        Assert.Contains("Steps", e.Message);
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("DiffStateGradTau", e.Message);
        Assert.Contains("Beta", e.Message);
        Assert.Empty(new SpgdOptions().Problems());
        Assert.Equal(0.95, new SpgdOptions().EffectiveBeta);
        Assert.Equal(0.9, new SpgdOptions { Preset = SpgdPreset.Reference }.EffectiveBeta);
    }

    [Fact]
    public void LeavesNoLiveTensorsBehind()
    {
        var (start, y, op) = Problem(1, 6);
        var options = Small with { DiffStateGradTau = 0.9 };
        new SpgdSampler(SpgdFixtureRun.FixturePrior, options).Sample(start, y, op).Dispose(); // warms the spectrum cache
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var live = new List<long>();
        var result = new SpgdSampler(SpgdFixtureRun.FixturePrior, options).Sample(start, y, op, step =>
        {
            _ = step.X0Hat.sum().item<float>();
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        });
        // Flat memory: as many live tensors after the last outer step as after the first.
        Assert.Equal(live[0], live[^1]);
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        result.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void DiffStateGradPeriodSkipsTheOtherOuterSteps()
    {
        var (start, y, op) = Problem(1, 7);
        List<float[]> Run(SpgdOptions o)
        {
            var states = new List<float[]>();
            using var _ = new SpgdSampler(SpgdFixtureRun.FixturePrior, o).Sample(start, y, op, s => states.Add(s.X.data<float>().ToArray()));
            return states;
        }
        var everyStep = Run(Small with { DiffStateGradTau = 0.5 });
        var everyOther = Run(Small with { DiffStateGradTau = 0.5, DiffStateGradPeriod = 2 });
        var never = Run(Small);
        Assert.Equal(everyStep[0], everyOther[0]);  // both project at step 0
        Assert.NotEqual(everyStep[1], everyOther[1]); // only one projects at step 1
        Assert.NotEqual(never[0], everyOther[0]);
    }
}
