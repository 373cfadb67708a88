using static TorchSharp.torch;

namespace Spgd.Core.Metrics;

/// <summary>
/// Peak signal-to-noise ratio as piq computes it: −10·log10(mean((x − y)²) + 1e-8) per image on [0, 1] images.
/// The 1e-8 keeps identical images finite (80 dB).
/// </summary>
public static class Psnr
{
    private const double Epsilon = 1e-8;

    /// <summary>PSNR in dB of each image of <paramref name="candidate"/> against <paramref name="reference"/>
    /// (NCHW batches in [−1, 1], same shape). Returns a float32 tensor of shape [N] on the inputs' device.</summary>
    public static Tensor Compute(Tensor reference, Tensor candidate)
    {
        UnitRange.RequireSameBatchShape(reference, candidate, "PSNR");
        using var scope = NewDisposeScope();
        var x = UnitRange.FromSigned(reference);
        var y = UnitRange.FromSigned(candidate);
        var mse = (x - y).square().mean([1, 2, 3]);
        return scope.MoveToOuter(mse.add(Epsilon).log10().mul(-10));
    }
}
