namespace Spgd.Core.Operators;

/// <summary>
/// One axis of the DPS/SPGD <c>Resizer</c> (after Assaf Shocher's resizer): Keys cubic (a = −0.5) interpolation,
/// antialiased when down-scaling (kernel stretched by 1/scale), weights normalised per output pixel, and
/// out-of-range taps mirrored back into the image. Expressed as a dense [out, in] matrix.
/// </summary>
internal static class ResizerWeights
{
    private const double CubicWidth = 4.0;

    /// <summary>Output length of the reference: ceil(in·scale).</summary>
    public static int OutputLength(int inLength, double scale) => (int)Math.Ceiling(inLength * scale);

    /// <summary>Row-major [outLength, inLength] matrix W with out = W·in along the axis.</summary>
    public static double[,] Matrix(int inLength, double scale)
    {
        int outLength = OutputLength(inLength, scale);
        bool antialias = scale < 1;
        double kernelWidth = antialias ? CubicWidth / scale : CubicWidth;
        Func<double, double> kernel = antialias ? (d => scale * Cubic(scale * d)) : Cubic;
        int taps = (int)Math.Ceiling(kernelWidth) + 2; // one extra input pixel each side; their weights may be 0
        var matrix = new double[outLength, inLength];
        var weights = new double[taps];
        var positions = new int[taps];
        for (int o = 0; o < outLength; o++)
        {
            // 1-based pixel centres, output grid shifted so that both images keep their centre.
            double shifted = (o + 1) - (outLength - inLength * scale) / 2;
            double match = shifted / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(match - kernelWidth / 2);
            double sum = 0;
            for (int t = 0; t < taps; t++)
            {
                positions[t] = (int)(left + t - 1);
                sum += weights[t] = kernel(match - positions[t] - 1);
            }
            if (sum == 0) sum = 1;
            for (int t = 0; t < taps; t++) matrix[o, Mirror(positions[t], inLength)] += weights[t] / sum;
        }
        return matrix;
    }

    private static double Cubic(double x)
    {
        double a = Math.Abs(x), a2 = a * a, a3 = a2 * a;
        if (a <= 1) return 1.5 * a3 - 2.5 * a2 + 1;
        if (a <= 2) return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
        return 0;
    }

    // Index into [0 .. n−1, n−1 .. 0], periodically: a whole-sample-repeating reflection at the borders.
    private static int Mirror(int i, int n)
    {
        int period = 2 * n;
        int m = ((i % period) + period) % period;
        return m < n ? m : period - 1 - m;
    }
}
