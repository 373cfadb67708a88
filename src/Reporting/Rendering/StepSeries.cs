namespace Spgd.Reporting.Rendering;

/// <summary>One line of a per-step plot: the mean over items at each step and its spread (sample standard deviation).</summary>
/// <param name="Name">Legend text (the method).</param>
/// <param name="Steps">Step numbers (x).</param>
/// <param name="Mean">Mean at each step.</param>
/// <param name="Spread">Sample standard deviation at each step (0 where one item).</param>
/// <param name="Count">Items that contributed at each step.</param>
public sealed record StepSeries(string Name, double[] Steps, double[] Mean, double[] Spread, int[] Count);
