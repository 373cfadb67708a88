namespace Spgd.Core.Sampling;

/// <summary>
/// Linear learning-rate decay over the outer steps: η_i = lr·(1 + (i/T)·(lr_min_ratio − 1)), so η_0 = lr and the
/// rate approaches lr·lr_min_ratio at the end (the official <c>get_lr</c> with p = 1).
/// </summary>
/// <param name="LearningRate">lr, the rate of the first outer step.</param>
/// <param name="MinRatio">lr_min_ratio, the fraction of lr approached at the last step.</param>
/// <param name="Steps">T, the number of outer steps.</param>
public sealed record LearningRateSchedule(double LearningRate, double MinRatio, int Steps)
{
    /// <summary>η_i for outer step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Steps);
        var ratio = (double)step / Steps;
        return (1 + ratio * (MinRatio - 1)) * LearningRate;
    }
}
