namespace Spgd.Evaluation.Tests.Statistics;

/// <summary>Seeded synthetic samples.</summary>
internal static class Samples
{
    /// <summary>n draws of N(mean, sd²) (Box–Muller over a seeded <see cref="Random"/>).</summary>
    public static double[] Normal(int n, double mean, double sd, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var u1 = 1.0 - rng.NextDouble();
            var u2 = rng.NextDouble();
            x[i] = mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return x;
    }
}
