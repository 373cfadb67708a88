using Spgd.Core.Benchmarks;

namespace Spgd.Core.Tests.Benchmarks;

/// <summary>Paired timing: warm-up with both, then pairs whose order swaps, and ratios taken pair by pair.</summary>
public class PairedTimingTests
{
    [Fact]
    public void PairsAlternateWhichRunsFirstAfterAWarmUpOfBoth()
    {
        var order = new List<char>();
        var paired = PairedTiming.Measure(() => order.Add('B'), () => order.Add('C'), repeats: 4, warmup: 1);
        int warm = paired.Baseline.WarmupRuns!.Value;
        Assert.Equal(string.Concat(Enumerable.Repeat("BC", warm)) + "BCCBBCCB", new string([.. order]));
        Assert.Equal(warm, paired.Candidate.WarmupRuns);
        Assert.Equal(4, paired.Baseline.Seconds.Count);
        Assert.Equal(4, paired.Candidate.Seconds.Count);
    }

    [Fact]
    public void RatiosAreCandidateOverBaselinePairByPairAndTheirMedianIsQuoted()
    {
        var paired = new PairedTiming(new TimingSummary([1.0, 2.0, 4.0, 3.0]), new TimingSummary([0.5, 1.2, 1.0, 1.5]));
        Assert.Equal([0.5, 0.6, 0.25, 0.5], paired.Ratios);
        Assert.Equal(0.5, paired.MedianRatio);
        // A pair's own ratio, not the ratio of the medians (1.1 / 2.5 = 0.44 here).
        Assert.Equal(0.44, paired.Candidate.Median / paired.Baseline.Median, 12);
    }

    [Fact]
    public void NoWarmUpAskedForTimesThePairsAtOnce()
    {
        var order = new List<char>();
        var paired = PairedTiming.Measure(() => order.Add('B'), () => order.Add('C'), repeats: 3, warmup: 0);
        Assert.Equal("BCCBBC", new string([.. order]));
        Assert.Equal(0, paired.Baseline.WarmupRuns);
    }
}
