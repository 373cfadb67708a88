using static TorchSharp.torch;

namespace Spgd.Core.Operators;

/// <summary>
/// The reference's Gaussian blur kernel: <c>scipy.ndimage.gaussian_filter</c> (truncate 4, 'reflect' boundary)
/// applied to a centred delta on a size×size grid, computed in float64 and stored as float32.
/// </summary>
public static class GaussianKernel
{
    /// <summary>A size×size float32 CPU kernel of standard deviation <paramref name="std"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">size &lt; 1 or std not positive.</exception>
    public static Tensor Create(int size, double std)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "Gaussian kernel size must be >= 1");
        if (!(std > 0 && double.IsFinite(std))) throw new ArgumentOutOfRangeException(nameof(std), std, "Gaussian std must be > 0");
        var profile = Profile(size, std);
        var k = new float[size * size];
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++) k[i * size + j] = (float)(profile[i] * profile[j]);
        return tensor(k, [size, size], ScalarType.Float32);
    }

    // The 1-D filter response to a delta at size/2; the separable 2-D response is the outer product.
    private static double[] Profile(int size, double std)
    {
        int radius = (int)(4.0 * std + 0.5);
        var taps = new double[2 * radius + 1];
        for (int t = -radius; t <= radius; t++) taps[t + radius] = Math.Exp(-0.5 * t * t / (std * std));
        double sum = taps.Sum();
        int centre = size / 2;
        var profile = new double[size];
        for (int i = 0; i < size; i++)
            for (int t = -radius; t <= radius; t++)
                if (Reflect(i + t, size) == centre) profile[i] += taps[t + radius] / sum;
        return profile;
    }

    // scipy's 'reflect' (half-sample symmetric): ... b a | a b c d | d c ...
    private static int Reflect(int i, int n)
    {
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
