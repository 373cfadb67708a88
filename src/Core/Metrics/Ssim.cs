using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Spgd.Core.Metrics;

/// <summary>
/// Structural similarity as piq computes it (the reference evaluation): images in [0, 1] are first average-pooled by
/// f = max(1, round(min(H, W)/256)), then compared through an 11×11 Gaussian window (σ 1.5) without padding
/// ("valid" convolution), k1 = 0.01, k2 = 0.03, averaged over pixels and channels.
/// </summary>
public static class Ssim
{
    private const int WindowSize = 11;
    private const double WindowSigma = 1.5;
    private const double K1 = 0.01, K2 = 0.03;

    /// <summary>SSIM of each image of <paramref name="candidate"/> against <paramref name="reference"/>
    /// (NCHW batches in [−1, 1], same shape, at least 11×11 after pooling). Returns a float32 tensor [N] on the inputs' device.</summary>
    public static Tensor Compute(Tensor reference, Tensor candidate)
    {
        UnitRange.RequireSameBatchShape(reference, candidate, "SSIM", WindowSize);
        using var scope = NewDisposeScope();
        var x = UnitRange.FromSigned(reference);
        var y = UnitRange.FromSigned(candidate);

        // Python's round() rounds halves to even, as does Math.Round by default.
        long f = Math.Max(1, (long)Math.Round(Math.Min(x.shape[2], x.shape[3]) / 256.0));
        if (f > 1)
        {
            x = F.avg_pool2d(x, [f, f]);
            y = F.avg_pool2d(y, [f, f]);
        }
        if (x.shape[2] < WindowSize || x.shape[3] < WindowSize)
            throw new ArgumentException($"SSIM: images pooled by {f} are {x.shape[2]}×{x.shape[3]}, smaller than the {WindowSize}×{WindowSize} window");

        long channels = x.shape[1];
        var window = GaussianWindow(x.device).expand(channels, 1, WindowSize, WindowSize);
        Tensor Blur(Tensor t) => F.conv2d(t, window, groups: channels);

        var muX = Blur(x);
        var muY = Blur(y);
        var muXX = muX.square();
        var muYY = muY.square();
        var muXY = muX * muY;
        var sigmaXX = Blur(x.square()) - muXX;
        var sigmaYY = Blur(y.square()) - muYY;
        var sigmaXY = Blur(x * y) - muXY;

        double c1 = K1 * K1, c2 = K2 * K2;
        var contrastStructure = (2 * sigmaXY + c2) / (sigmaXX + sigmaYY + c2);
        var map = (2 * muXY + c1) / (muXX + muYY + c1) * contrastStructure;
        return scope.MoveToOuter(map.mean([1, 2, 3]));
    }

    /// <summary>The normalised 11×11 Gaussian window, [1, 1, 11, 11] float32.</summary>
    private static Tensor GaussianWindow(Device device)
    {
        var coords = arange(WindowSize, dtype: ScalarType.Float32) - (WindowSize - 1) / 2.0;
        var g = coords.square();
        var w = (-(g.unsqueeze(0) + g.unsqueeze(1)) / (2 * WindowSigma * WindowSigma)).exp();
        w /= w.sum();
        return w.reshape(1, 1, WindowSize, WindowSize).to(device);
    }
}
