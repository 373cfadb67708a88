namespace Spgd.Core.Operators;

/// <summary>
/// NumPy's legacy global generator (<c>np.random.seed</c>, <c>np.random.rand</c>, <c>np.random.randn</c>): MT19937
/// seeded with an integer as <c>init_genrand</c> does, doubles from two 32-bit draws (53 bits), and normals by the
/// polar Box–Muller method, which yields two values per accepted pair and keeps the second for the next call.
/// The reference operators draw their fixed parameters from it (the nonlinear blur's kernel code after
/// <c>np.random.seed(0)</c>), and .NET has no implementation, so the exact sequence is reproduced here.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908b0dfU, UpperMask = 0x80000000U, LowerMask = 0x7fffffffU;

    private readonly uint[] _key = new uint[N];
    private int _position;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>The state of <c>np.random.seed(seed)</c> (seed in [0, 2³²−1]).</summary>
    public NumpyRandomState(uint seed)
    {
        _key[0] = seed;
        for (var i = 1; i < N; i++)
            _key[i] = unchecked(1812433253U * (_key[i - 1] ^ (_key[i - 1] >> 30)) + (uint)i);
        _position = N;
    }

    /// <summary>The next raw 32-bit output of MT19937 (tempered).</summary>
    public uint NextUInt32()
    {
        if (_position >= N) Regenerate();
        var y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform double in [0, 1) as <c>np.random.rand</c>: (a·2²⁶ + b)/2⁵³ from a = 27 and b = 26 high bits.</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>A standard normal draw as <c>np.random.randn</c> (polar method; the pair's first value is cached).</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);
        var f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><paramref name="count"/> successive normal draws (the flat C-order content of <c>randn(*shape)</c>).</summary>
    public double[] Gaussians(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = NextGaussian();
        return values;
    }

    private void Regenerate()
    {
        int k;
        uint y;
        for (k = 0; k < N - M; k++)
        {
            y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + M] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : MatrixA);
        }
        for (; k < N - 1; k++)
        {
            y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + M - N] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : MatrixA);
        }
        y = (_key[N - 1] & UpperMask) | (_key[0] & LowerMask);
        _key[N - 1] = _key[M - 1] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : MatrixA);
        _position = 0;
    }
}
