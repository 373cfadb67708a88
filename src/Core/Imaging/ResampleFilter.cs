namespace Spgd.Core.Imaging;

/// <summary>
/// Separable antialiased resampling the way Pillow and PyTorch's <c>interpolate(..., antialias=True)</c> do it
/// (half-pixel centres, filter widened by the down-scaling factor, weights normalised per output sample,
/// taps outside the input dropped). Used for the data loader's bilinear resize and the motion-kernel's Lanczos
/// down-scaling.
/// </summary>
internal static class ResampleFilter
{
    /// <summary>The triangle ("bilinear") filter, support 1.</summary>
    public static readonly (Func<double, double> F, double Support) Bilinear =
        (x => Math.Max(0, 1 - Math.Abs(x)), 1.0);

    /// <summary>The Lanczos-3 filter (Pillow's LANCZOS), support 3.</summary>
    public static readonly (Func<double, double> F, double Support) Lanczos3 =
        (x => Math.Abs(x) < 3 ? Sinc(x) * Sinc(x / 3) : 0, 3.0);

    /// <summary>Row-major [outLength, inLength] weight matrix: out = W·in along one axis.</summary>
    public static double[,] Matrix(int inLength, int outLength, (Func<double, double> F, double Support) filter)
    {
        double scale = (double)inLength / outLength;
        double filterScale = Math.Max(scale, 1.0);
        double support = filter.Support * filterScale;
        var w = new double[outLength, inLength];
        for (int i = 0; i < outLength; i++)
        {
            double center = (i + 0.5) * scale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inLength);
            double sum = 0;
            for (int x = xmin; x < xmax; x++) sum += w[i, x] = filter.F((x - center + 0.5) / filterScale);
            if (sum != 0) for (int x = xmin; x < xmax; x++) w[i, x] /= sum;
        }
        return w;
    }

    /// <summary>Resamples a row-major [height, width] plane to [outHeight, outWidth] (rows first, then columns).</summary>
    public static double[] Resize(double[] plane, int height, int width, int outHeight, int outWidth,
        (Func<double, double> F, double Support) filter)
    {
        var wy = Matrix(height, outHeight, filter);
        var wx = Matrix(width, outWidth, filter);
        var rows = new double[outHeight * width];
        for (int i = 0; i < outHeight; i++)
            for (int y = 0; y < height; y++)
            {
                double c = wy[i, y];
                if (c == 0) continue;
                for (int x = 0; x < width; x++) rows[i * width + x] += c * plane[y * width + x];
            }
        var result = new double[outHeight * outWidth];
        for (int i = 0; i < outHeight; i++)
            for (int j = 0; j < outWidth; j++)
            {
                double s = 0;
                for (int x = 0; x < width; x++) s += wx[j, x] * rows[i * width + x];
                result[i * outWidth + j] = s;
            }
        return result;
    }

    private static double Sinc(double x)
    {
        if (x == 0) return 1;
        double px = Math.PI * x;
        return Math.Sin(px) / px;
    }
}
