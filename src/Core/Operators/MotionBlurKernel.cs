using System.Numerics;
using Spgd.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// Random-trajectory motion-blur kernels of the kind the reference draws with the <c>motionblur</c> package
/// (LeviBorodenko/motionblur): a camera path of random steps and turning angles whose length and curvature grow
/// with the intensity, drawn on a canvas of twice the kernel size, blurred, down-scaled with Lanczos, quantised
/// to 8 bits and normalised to sum 1. Draws come from the caller's seed, so kernels are reproducible; they are of
/// the same distribution as the reference's, not bit-identical to them (that package uses numpy's global RNG and
/// Pillow's rasteriser; here the line is rasterised with Bresenham and the blur is a true Gaussian).
/// </summary>
public static class MotionBlurKernel
{
    // The package's "tiny error used for numerical stability".
    private const double Eps = 0.1;
    private const int MaxStepDraws = 100_000;

    /// <summary>Draws a size×size kernel (float32 CPU tensor, sums to 1) of the given intensity in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">size &lt; 1 or intensity outside [0, 1].</exception>
    public static Tensor Generate(int size, double intensity, ulong seed)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "motion-blur kernel size must be >= 1");
        if (!(intensity >= 0 && intensity <= 1)) throw new ArgumentOutOfRangeException(nameof(intensity), intensity, "motion-blur intensity must be in [0, 1]");
        using var random = new SeededRandom(seed);
        int canvas = 2 * size; // super-sampled, down-scaled at the end for antialiasing
        double diagonal = Math.Sqrt(2.0) * canvas;

        var path = DrawPath(random, intensity, canvas, diagonal);
        var image = new double[canvas * canvas];
        DrawPolyline(image, canvas, path, Math.Max(1, (int)(diagonal / 150)));
        Quantise(image);
        int blurRadius = (int)(diagonal * 0.01);
        if (blurRadius > 0) { image = GaussianBlur(image, canvas, blurRadius); Quantise(image); }
        var small = ResampleFilter.Resize(image, canvas, canvas, size, size, ResampleFilter.Lanczos3);
        Quantise(small);

        double total = small.Sum();
        if (total == 0) // a path entirely off the canvas: fall back to the identity kernel rather than divide by 0
            small[size / 2 * size + size / 2] = total = 1;
        var kernel = small.Select(v => (float)(v / total)).ToArray();
        return tensor(kernel, [size, size], ScalarType.Float32);
    }

    private static List<Complex> DrawPath(SeededRandom random, double intensity, int canvas, double diagonal)
    {
        // Step lengths: total length ~ 0.75·diag·(U(0,1) + U(0, I²)), each step Beta(1,30)·(1 − I + eps)·diag.
        double maxPathLength = 0.75 * diagonal * (random.NextDouble() + random.Uniform(0, intensity * intensity));
        var steps = new List<double>();
        double sum = 0;
        for (int draws = 0; sum < maxPathLength && draws < MaxStepDraws; draws++)
        {
            double step = random.Beta(1, 30) * (1 - intensity + Eps) * diagonal;
            if (step < maxPathLength) { steps.Add(step); sum += step; }
        }
        if (steps.Count == 0) steps.Add(0); // a vanishing path length: a dot

        // Angles: |angle| ~ Triangular(0, I·max, max + eps), sign flips with probability "jitter" ~ Beta(2, 20).
        double maxAngle = random.Uniform(0, intensity * Math.PI);
        double jitter = random.Beta(2, 20);
        var angles = new List<double> { random.Uniform(-maxAngle, maxAngle) };
        while (angles.Count < steps.Count)
        {
            double angle = random.Triangular(0, intensity * maxAngle, maxAngle + Eps);
            double sign = Math.Sign(angles[^1]);
            angles.Add(random.NextDouble() < jitter ? -sign * angle : sign * angle);
        }

        // Path = cumulative sum of the increments, centred on its centre of mass, randomly rotated, moved to the canvas centre.
        var path = new List<Complex>(steps.Count);
        var position = Complex.Zero;
        for (int i = 0; i < steps.Count; i++) path.Add(position += Complex.FromPolarCoordinates(steps[i], angles[i]));
        var centreOfMass = path.Aggregate(Complex.Zero, (a, b) => a + b) / path.Count;
        var rotation = Complex.FromPolarCoordinates(1, random.Uniform(0, Math.PI));
        var centre = new Complex(canvas / 2.0, canvas / 2.0);
        return path.Select(p => (p - centreOfMass) * rotation + centre).ToList();
    }

    private static void DrawPolyline(double[] image, int canvas, List<Complex> path, int width)
    {
        if (path.Count == 1) { Stamp(image, canvas, (int)Math.Floor(path[0].Real), (int)Math.Floor(path[0].Imaginary), width); return; }
        for (int i = 0; i + 1 < path.Count; i++)
        {
            // Pixel coordinates truncated as Pillow does for width-1 lines; x is the real part, y the imaginary.
            int x0 = (int)Math.Floor(path[i].Real), y0 = (int)Math.Floor(path[i].Imaginary);
            int x1 = (int)Math.Floor(path[i + 1].Real), y1 = (int)Math.Floor(path[i + 1].Imaginary);
            int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
            while (true)
            {
                Stamp(image, canvas, x0, y0, width);
                if (x0 == x1 && y0 == y1) break;
                int e2 = 2 * err;
                if (e2 >= dy) { err += dy; x0 += sx; }
                if (e2 <= dx) { err += dx; y0 += sy; }
            }
        }
    }

    private static void Stamp(double[] image, int canvas, int x, int y, int width)
    {
        int lo = -(width - 1) / 2;
        for (int dy = lo; dy < lo + width; dy++)
            for (int dx = lo; dx < lo + width; dx++)
            {
                int px = x + dx, py = y + dy;
                if (px >= 0 && px < canvas && py >= 0 && py < canvas) image[py * canvas + px] = 255;
            }
    }

    private static double[] GaussianBlur(double[] image, int n, int sigma)
    {
        int radius = 3 * sigma;
        var taps = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-0.5 * d * d / ((double)sigma * sigma))).ToArray();
        double norm = taps.Sum();
        for (int i = 0; i < taps.Length; i++) taps[i] /= norm;
        var rows = new double[n * n];
        var result = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) if (x + k >= 0 && x + k < n) s += taps[k + radius] * image[y * n + x + k];
                rows[y * n + x] = s;
            }
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) if (y + k >= 0 && y + k < n) s += taps[k + radius] * rows[(y + k) * n + x];
                result[y * n + x] = s;
            }
        return result;
    }

    // The package works on 8-bit Pillow images: every stage rounds to 0..255.
    private static void Quantise(double[] image)
    {
        for (int i = 0; i < image.Length; i++) image[i] = Math.Clamp(Math.Round(image[i]), 0, 255);
    }
}
