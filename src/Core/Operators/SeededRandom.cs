using TorchSharp;
using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// Scalar random draws for kernel and mask generators, taken in order from a CPU torch generator seeded by the
/// caller, so that a seed gives the same draws on every machine whatever the compute device.
/// </summary>
internal sealed class SeededRandom : IDisposable
{
    private const int Chunk = 512;
    private readonly Generator _generator;
    private readonly double[] _buffer = new double[Chunk];
    private int _next = Chunk;

    public SeededRandom(ulong seed)
    {
        _generator = new Generator(seed, CPU);
    }

    /// <summary>The underlying CPU generator, for tensor draws (randperm, randn) that must share the seed.</summary>
    public Generator Generator => _generator;

    /// <summary>A uniform draw in [0, 1).</summary>
    public double NextDouble()
    {
        if (_next == Chunk)
        {
            using var t = rand(Chunk, generator: _generator, dtype: ScalarType.Float64);
            t.data<double>().CopyTo(_buffer);
            _next = 0;
        }
        return _buffer[_next++];
    }

    /// <summary>A uniform draw in [low, high).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [low, high).</summary>
    public int Integer(int low, int high)
    {
        if (high <= low) throw new ArgumentException($"empty integer range [{low}, {high})");
        return low + Math.Min((int)(NextDouble() * (high - low)), high - low - 1);
    }

    /// <summary>A Beta(a, b) draw for integer shapes, as the ratio of two Gamma draws (sums of exponentials).</summary>
    public double Beta(int a, int b)
    {
        double x = Gamma(a), y = Gamma(b);
        return x / (x + y);
    }

    /// <summary>
    /// A triangular draw on [left, right] with the given mode, by inverting the CDF (numpy's parameterisation).
    /// </summary>
    public double Triangular(double left, double mode, double right)
    {
        double u = NextDouble(), width = right - left;
        if (width <= 0) return left;
        double split = (mode - left) / width;
        return u < split
            ? left + Math.Sqrt(u * width * (mode - left))
            : right - Math.Sqrt((1 - u) * width * (right - mode));
    }

    private double Gamma(int shape)
    {
        double sum = 0;
        for (int i = 0; i < shape; i++) sum -= Math.Log(1 - NextDouble()); // 1 - u is in (0, 1]: no log(0)
        return sum;
    }

    public void Dispose() => _generator.Dispose();
}
