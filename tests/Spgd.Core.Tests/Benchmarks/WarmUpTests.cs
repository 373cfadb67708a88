using Spgd.Core.Benchmarks;

namespace Spgd.Core.Tests.Benchmarks;

/// <summary>The warm-up rule: the runs asked for, then more while the JIT is busy, within a cap. The JIT's clock is
/// scripted, so the rule is tested without depending on what the runtime compiles meanwhile.</summary>
public class WarmUpTests
{
    /// <summary>A run of about 2 ms whose JIT clock advances by the next scripted number of milliseconds.</summary>
    private sealed class ScriptedJit(params double[] compileMsPerRun)
    {
        private TimeSpan _compiled;
        public int Runs { get; private set; }
        public TimeSpan Now() => _compiled;
        public void Run()
        {
            Thread.Sleep(2);
            _compiled += TimeSpan.FromMilliseconds(Runs < compileMsPerRun.Length ? compileMsPerRun[Runs] : 0);
            Runs++;
        }
    }

    [Fact]
    public void AQuietJitGetsExactlyTheRunsAskedFor()
    {
        var jit = new ScriptedJit();
        Assert.Equal(3, WarmUp.Run(jit.Run, 3, jit.Now));
        Assert.Equal(3, jit.Runs);
    }

    [Fact]
    public void RunsContinueUntilOneSpendsAtMostTheQuietShareCompiling()
    {
        // Runs 1–4 compile for far longer than they take; run 5 compiles nothing and ends the warm-up.
        var jit = new ScriptedJit(50, 50, 50, 50);
        Assert.Equal(5, WarmUp.Run(jit.Run, 1, jit.Now));
        Assert.Equal(5, jit.Runs);
    }

    [Fact]
    public void ABusyRunAfterTheRequestedOnesStillExtendsTheWarmUp()
    {
        var jit = new ScriptedJit(0, 0, 50);
        Assert.Equal(4, WarmUp.Run(jit.Run, 3, jit.Now));
    }

    [Fact]
    public void AJitThatNeverQuietsIsCapped()
    {
        var jit = new ScriptedJit([.. Enumerable.Repeat(50.0, 100)]);
        Assert.Equal(2 + WarmUp.MaxExtraRuns, WarmUp.Run(jit.Run, 2, jit.Now));
    }

    [Fact]
    public void NoWarmUpAskedForMeansNoRunEvenWhileTheJitIsBusy()
    {
        var jit = new ScriptedJit(50);
        Assert.Equal(0, WarmUp.Run(jit.Run, 0, jit.Now));
        Assert.Equal(0, jit.Runs);
    }

    [Fact]
    public void MeasureReportsTheWarmUpItRanAndTheJitTimeOfTheTimedRuns()
    {
        int calls = 0;
        var timing = TimingSummary.Measure(() => calls++, repeats: 2, warmup: 1);
        Assert.Equal(2, timing.Seconds.Count);
        Assert.InRange(timing.WarmupRuns!.Value, 1, 1 + WarmUp.MaxExtraRuns);
        Assert.Equal(timing.WarmupRuns.Value + 2, calls);
        Assert.True(timing.JitSeconds >= 0);
    }
}
