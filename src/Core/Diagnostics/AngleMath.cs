using static TorchSharp.torch;

namespace Spgd.Core.Diagnostics;

/// <summary>
/// Angles between vectors in radians, in [0, π]. Uses Kahan's form θ = 2·atan2(‖â − b̂‖, ‖â + b̂‖) with â, b̂ the unit
/// vectors, which stays exact near 0 and π where acos of a rounded cosine loses half the digits. A zero vector has no
/// direction: its angle is NaN.
/// </summary>
public static class AngleMath
{
    /// <summary>The angle between <paramref name="a"/> and <paramref name="b"/> (same length).</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Angle(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Vectors of different lengths: {a.Length} and {b.Length}.", nameof(b));
        double na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { na += a[i] * a[i]; nb += b[i] * b[i]; }
        na = Math.Sqrt(na);
        nb = Math.Sqrt(nb);
        if (na == 0 || nb == 0 || !double.IsFinite(na) || !double.IsFinite(nb)) return double.NaN;
        double difference = 0, sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double ua = a[i] / na, ub = b[i] / nb;
            difference += (ua - ub) * (ua - ub);
            sum += (ua + ub) * (ua + ub);
        }
        return 2 * Math.Atan2(Math.Sqrt(difference), Math.Sqrt(sum));
    }

    /// <summary>
    /// Per-sample angles between two batches of the same shape [B, ...]: one angle per sample over its whole C·H·W
    /// vector, computed in float64 on the tensors' device.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ or the tensors have no batch dimension.</exception>
    public static double[] Angles(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() < 1 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"Angles need two batches of the same shape; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].", nameof(b));
        using var scope = NewDisposeScope();
        var ua = Normalized(a);
        var ub = Normalized(b);
        var theta = 2 * atan2((ua - ub).norm(1), (ua + ub).norm(1));
        return theta.cpu().data<double>().ToArray();
    }

    /// <summary>Per-sample L2 norms of a batch [B, ...], in float64.</summary>
    public static double[] Norms(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        using var scope = NewDisposeScope();
        return a.detach().flatten(1).to(ScalarType.Float64).norm(1).cpu().data<double>().ToArray();
    }

    private static Tensor Normalized(Tensor t)
    {
        var flat = t.detach().flatten(1).to(ScalarType.Float64);
        var norm = flat.norm(1, keepdim: true);
        // 0/0 = NaN marks a direction-less (zero) vector, as in the span overload.
        return flat / norm.where(norm > 0, full_like(norm, double.NaN));
    }

    /// <summary>Radians to degrees.</summary>
    public static double ToDegrees(double radians) => radians * 180 / Math.PI;
}
