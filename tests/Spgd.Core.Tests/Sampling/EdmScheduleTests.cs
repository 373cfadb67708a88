using Spgd.Core.Sampling;
using Spgd.Core.Tests.TestSupport;
using Spgd.Tests;

namespace Spgd.Core.Tests.Sampling;

public class EdmScheduleTests
{
    public static TheoryData<string> Runs() => new(Directory.GetDirectories(TestPaths.Fixture("spgd")).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Runs))]
    public void ScheduleAndLearningRatesMatchConfig(string run)
    {
        var config = Fixtures.Json("spgd", run, "config.json");
        var annealing = config.GetProperty("annealing");
        var options = new SpgdOptions
        {
            Steps = annealing.GetProperty("num_steps").GetInt32(),
            SigmaMax = annealing.GetProperty("sigma_max").GetDouble(),
            SigmaMin = annealing.GetProperty("sigma_min").GetDouble(),
            LearningRate = config.GetProperty("lr").GetDouble(),
            LrMinRatio = config.GetProperty("lr_min_ratio").GetDouble(),
        };
        var schedule = options.Schedule();
        var rates = options.LearningRates();

        AssertClose(Fixtures.Doubles(config, "sigma_steps"), schedule.Sigmas);
        AssertClose(Fixtures.Doubles(config, "factor_steps"), schedule.StepFactors);
        AssertClose(Fixtures.Doubles(config, "lr_per_outer_step"), Enumerable.Range(0, options.Steps).Select(rates.At).ToArray());
    }

    [Fact]
    public void OneStepScheduleStartsAtSigmaMax()
    {
        var schedule = new EdmSchedule(1, 80, 0.5);
        Assert.Equal([80.0, 0.0], schedule.Sigmas);
        Assert.Equal(2 * 80.0 * 80.0, schedule.StepFactors[0], 1e-9);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
    }
}
