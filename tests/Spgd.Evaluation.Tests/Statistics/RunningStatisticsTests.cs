using Spgd.Evaluation.Statistics;

namespace Spgd.Evaluation.Tests.Statistics;

public class RunningStatisticsTests
{
    [Fact]
    public void Equals_a_two_pass_computation()
    {
        // PSNR-like values: a large mean and small spread, where a naive Σx² formula loses digits.
        var x = Samples.Normal(1000, 28.5, 2.3, seed: 1);
        var s = RunningStatistics.Of(x);

        var mean = x.Sum() / x.Length;
        var variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        Assert.Equal(1000, s.Count);
        Assert.Equal(mean, s.Mean, 1e-12);
        Assert.Equal(variance, s.Variance, 1e-10);
        Assert.Equal(Math.Sqrt(variance), s.StandardDeviation, 1e-10);
        Assert.Equal(x.Min(), s.Min);
        Assert.Equal(x.Max(), s.Max);
    }

    [Fact]
    public void Merging_parts_equals_the_whole()
    {
        var x = Samples.Normal(777, 0.8, 0.1, seed: 2);
        var whole = RunningStatistics.Of(x);
        var merged = new RunningStatistics();
        foreach (var part in x.Chunk(100)) merged.Merge(RunningStatistics.Of(part));
        merged.Merge(new RunningStatistics());
        var combined = RunningStatistics.Combine(RunningStatistics.Of(x[..300]), RunningStatistics.Of(x[300..]));

        foreach (var m in new[] { merged, combined })
        {
            Assert.Equal(whole.Count, m.Count);
            Assert.Equal(whole.Mean, m.Mean, 1e-13);
            Assert.Equal(whole.Variance, m.Variance, 1e-13);
            Assert.Equal(whole.Min, m.Min);
            Assert.Equal(whole.Max, m.Max);
        }
    }

    [Fact]
    public void Persisted_state_restores_the_accumulator()
    {
        var a = RunningStatistics.Of([1, 2, 4]);
        var b = RunningStatistics.FromState(a.Count, a.Mean, a.SumOfSquaredDeviations, a.Min, a.Max);
        b.Add(8);
        var direct = RunningStatistics.Of([1, 2, 4, 8]);
        Assert.Equal(direct.Mean, b.Mean, 1e-15);
        Assert.Equal(direct.Variance, b.Variance, 1e-14);
    }

    [Fact]
    public void Sample_deviation_is_undefined_below_two_values_and_non_finite_values_are_refused()
    {
        var s = new RunningStatistics();
        Assert.True(double.IsNaN(s.Mean));
        s.Add(3);
        Assert.Equal(3, s.Mean);
        Assert.True(double.IsNaN(s.StandardDeviation));
        s.Add(5);
        Assert.Equal(Math.Sqrt(2), s.StandardDeviation, 1e-15);
        Assert.Throws<ArgumentException>(() => s.Add(double.NaN));
        Assert.Throws<ArgumentException>(() => s.Add(double.PositiveInfinity));
    }
}
